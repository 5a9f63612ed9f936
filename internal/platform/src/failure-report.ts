import type { Logger } from 'pino';

/**
 * Reports a failure that repeats while something is away (a server, a
 * connection): the first time as an error, then quietly until it works
 * again, which is reported once. A retry loop logging every attempt buries
 * the one line a person needs under hundreds.
 */
export class FailureReport {
  private failing = false;

  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  failed(error: unknown, details: object = {}): void {
    if (this.failing) {
      this.log.debug({ err: error, ...details }, `${this.what}: still failing`);
      return;
    }
    this.failing = true;
    this.log.error({ err: error, ...details }, `${this.what}: failed; retrying until it works`);
  }

  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.log.info(`${this.what}: works again`);
  }
}
