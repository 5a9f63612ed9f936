import type { Logger } from '@shop/platform';
import type { Stoppable } from './launch-subgraph';

export interface PeriodicJob {
  intervalMs: number;
  /** One pass; answers how many things it did (logged when more than none). */
  run(log: Logger): Promise<number>;
  /** The log line of a pass that did something, and of one that failed. */
  did: string;
  failed: string;
}

/**
 * Runs a background job of a subgraph at once and then every `intervalMs`,
 * never two passes at a time; a failed pass is logged and the next one
 * tries again. Stopping waits for the pass under way.
 */
export function startPeriodicJob(job: PeriodicJob, log: Logger): Stoppable {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => job.run(log))
      .then(
        (count) => {
          if (count > 0) log.info({ count }, job.did);
        },
        (error: unknown) => log.warn({ err: error }, job.failed),
      );
  };
  run();
  const timer = setInterval(run, job.intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
