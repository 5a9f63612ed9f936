import type { ExecutionResult } from 'graphql';
import type { CacheHint, RestrictableCachePolicy } from './cache-control';
import { InFlightOperations } from './in-flight-operations';

function recordingPolicy(): RestrictableCachePolicy & { hints: CacheHint[] } {
  const hints: CacheHint[] = [];
  return { hints, restrict: (hint) => hints.push(hint) };
}

function deferred() {
  let resolve!: (result: ExecutionResult) => void;
  const promise = new Promise<ExecutionResult>((done) => (resolve = done));
  return { promise, resolve };
}

describe('InFlightOperations', () => {
  it('runs identical operations in flight once and gives every caller the same result', async () => {
    const operations = new InFlightOperations();
    const execution = deferred();
    const execute = jest.fn(() => execution.promise);
    const first = operations.run('key', undefined, execute);
    const second = operations.run('key', undefined, execute);
    execution.resolve({ data: { ok: true } });
    expect(await first).toBe(await second);
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it('runs operations with different keys apart', async () => {
    const operations = new InFlightOperations();
    const execute = jest.fn(() => Promise.resolve({ data: {} }));
    await Promise.all([
      operations.run('a', undefined, execute),
      operations.run('b', undefined, execute),
    ]);
    expect(execute).toHaveBeenCalledTimes(2);
  });

  it('runs again once the shared execution has finished', async () => {
    const operations = new InFlightOperations();
    const execute = jest.fn(() => Promise.resolve({ data: {} }));
    await operations.run('key', undefined, execute);
    await operations.run('key', undefined, execute);
    expect(execute).toHaveBeenCalledTimes(2);
  });

  it('gives a caller that joins late every cache hint the execution has seen', async () => {
    const operations = new InFlightOperations();
    const execution = deferred();
    const early = recordingPolicy();
    const late = recordingPolicy();
    let shared!: RestrictableCachePolicy;
    const first = operations.run('key', early, (policy) => {
      shared = policy;
      return execution.promise;
    });
    shared.restrict({ maxAge: 60, scope: 'PUBLIC' });
    const second = operations.run('key', late, () => Promise.reject(new Error('not run')));
    shared.restrict({ maxAge: 0 });
    execution.resolve({ data: {} });
    await Promise.all([first, second]);
    expect(early.hints).toEqual([{ maxAge: 60, scope: 'PUBLIC' }, { maxAge: 0 }]);
    expect(late.hints).toEqual(early.hints);
  });

  it('lets every caller see a failed execution fail, and runs anew afterwards', async () => {
    const operations = new InFlightOperations();
    const failing = jest.fn(() => Promise.reject(new Error('subgraph gone')));
    const results = await Promise.allSettled([
      operations.run('key', undefined, failing),
      operations.run('key', undefined, failing),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(failing).toHaveBeenCalledTimes(1);
    await expect(
      operations.run('key', undefined, () => Promise.resolve({ data: {} })),
    ).resolves.toEqual({
      data: {},
    });
  });
});
