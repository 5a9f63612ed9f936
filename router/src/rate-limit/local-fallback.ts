import type { Logger } from '@shop/platform';

/** How long the local store serves alone after a failure before the shared one is tried again. */
const RETRY_SHARED_AFTER_MS = 1_000;

/**
 * Runs each call on the shared store (Redis) and, when that fails, on this
 * process's own: limits kept per instance while Redis is away are looser
 * than shared ones (each instance counts alone) but far tighter than none.
 * The switch is logged once each way, not per call. While on the local
 * store the shared one is tried again at most once a second, so a Redis
 * that hangs costs one command timeout a second rather than one per request.
 */
export class LocalFallback {
  private failedAt: number | undefined;

  constructor(
    /** What is kept, for the log lines: "rate limits", "failed logins per address". */
    private readonly what: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async run<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    const startedAt = this.now();
    if (this.failedAt !== undefined && startedAt - this.failedAt < RETRY_SHARED_AFTER_MS) {
      return local();
    }
    let result: T;
    try {
      result = await shared();
    } catch (error) {
      if (this.failedAt === undefined) {
        this.log.warn(
          { err: error },
          `${this.what} kept in this process while Redis does not answer`,
        );
      }
      this.failedAt = this.now();
      return local();
    }
    // A call that started before the failure proves nothing about Redis since.
    if (this.failedAt !== undefined && startedAt >= this.failedAt) {
      this.failedAt = undefined;
      this.log.info(`${this.what} kept in Redis again`);
    }
    return result;
  }
}
