import { createLogger } from '@shop/platform';
import { createRouterErrorFormatter } from './format-error';

const log = createLogger('router', 'silent');

describe('the router error formatter', () => {
  const fromSubgraph401 = {
    message: '401: Unauthorized',
    extensions: {
      code: 'UNAUTHENTICATED',
      serviceName: 'users',
      response: { url: 'http://10.1.2.3:4001/graphql', status: 401, body: { secret: 'x' } },
    },
  };

  it("keeps a coded error's message and code in production, without the subgraph's response", () => {
    const formatted = createRouterErrorFormatter(log, true)(fromSubgraph401, new Error('x'));
    expect(formatted).toEqual({
      message: '401: Unauthorized',
      extensions: { code: 'UNAUTHENTICATED', serviceName: 'users' },
    });
  });

  it('masks an unexpected error in production, keeping the subgraph it came from', () => {
    const formatted = createRouterErrorFormatter(log, true)(
      { message: 'connect ECONNREFUSED 10.1.2.3:4001', extensions: { serviceName: 'users' } },
      new Error('connect ECONNREFUSED'),
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'users' },
    });
  });

  it('changes nothing in development', () => {
    expect(createRouterErrorFormatter(log, false)(fromSubgraph401, new Error('x'))).toBe(
      fromSubgraph401,
    );
  });
});
