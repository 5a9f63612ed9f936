import { connect } from 'node:net';
import { eventually, graphqlRequest } from '@shop/testing';
import {
  startFederatedFixture,
  startFixtureRouter,
  type FederatedFixture,
} from './support/federated-fixture';

/** Whether a TCP connection to the port is accepted, or the error code that refused it. */
function tryConnect(port: number): Promise<'accepted' | string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

// Subscriptions end with SHUTTING_DOWN on stop: subscriptions.int.test.ts drains them.
describe('the router’s graceful shutdown of HTTP traffic', () => {
  let fixture: FederatedFixture;

  beforeAll(async () => {
    fixture = await startFederatedFixture();
  });

  afterAll(() => fixture.stop());

  it('finishes a query in flight while it stops, and refuses new connections', async () => {
    const router = await startFixtureRouter(fixture);
    const accounts = fixture.subgraphs.accounts!;
    const callsBefore = accounts.calls.length;
    // Long enough for the stop to begin while accounts still works on the call.
    accounts.delayMs = 2_000;
    try {
      let answered = false;
      const inFlight = graphqlRequest(router.url, '{ users { id name } }').finally(
        () => (answered = true),
      );
      await eventually(() => expect(accounts.calls.length).toBeGreaterThan(callsBefore));

      const stopped = router.stop();
      await eventually(async () => expect(await tryConnect(router.port)).toBe('ECONNREFUSED'));
      expect(answered).toBe(false);

      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({
        users: [
          { id: 'u1', name: 'Ada' },
          { id: 'u2', name: 'Bob' },
          { id: 'u3', name: 'Cy' },
        ],
      });
      await stopped;
    } finally {
      accounts.delayMs = 0;
    }
  });
});
