import { createHash } from 'node:crypto';
import {
  beginAttempt,
  DomainError,
  ErrorCode,
  type AttemptBackoffSettings,
  type Logger,
} from '@shop/platform';
import { tableOf, type Database } from '../db';

/** How often an instance deletes the rows of windows that have ended. */
const SWEEP_EVERY_MS = 60_000;

/**
 * RATE_LIMITED without the HTTP 429 of RateLimitedError: the router reads a
 * subgraph's non-2xx answer as the subgraph failing, and the caller must see
 * this code and its retry-after.
 */
export class LoginThrottledError extends DomainError {
  readonly code = ErrorCode.RATE_LIMITED;
  constructor(retryAfterSeconds: number) {
    super(`Too many failed sign-ins; retry in ${retryAfterSeconds} s`, ErrorCode.RATE_LIMITED, {
      retryAfterSeconds,
    });
  }
}

/**
 * Failed logins per account, in the users database so that every instance
 * counts the same ones. Keyed by the email as typed (normalised), so an
 * unknown email is counted, answered and refused exactly as an account is.
 *
 * An account that must wait is refused at once with RATE_LIMITED and a
 * retry-after rather than held until the wait is over: a held request
 * would keep a socket, a database connection's turn and memory for up to
 * the longest wait, and an attacker chooses how many to hold; a refusal
 * costs one statement and no password check, so guessing costs us less
 * than it costs the guesser.
 */
export class LoginThrottle {
  private sweptAt = 0;

  constructor(
    private readonly db: Database,
    private readonly settings: AttemptBackoffSettings,
    private readonly log: Logger,
    // Instances' clocks agree far better than the seconds these waits are counted in.
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts an attempt at `email` before its password is checked (a burst of
   * simultaneous ones takes turns on the row), or throws RATE_LIMITED while
   * the account must wait.
   */
  async begin(email: string): Promise<void> {
    const emailHash = hashOf(email);
    const table = tableOf(this.db, 'LoginThrottle');
    const decision = await this.db.prisma.$transaction(async (tx) => {
      // Creates the row if missing (a window long over) and locks it until commit.
      const [row] = await tx.$queryRaw<
        { failures: number; windowStartedAt: number; lastAttemptAt: number }[]
      >`
        INSERT INTO ${table} AS throttle ("emailHash", "failures", "windowStartedAt", "lastAttemptAt")
        VALUES (${emailHash}, 0, 'epoch', 'epoch')
        ON CONFLICT ("emailHash") DO UPDATE SET "failures" = throttle."failures"
        RETURNING "failures",
          (extract(epoch FROM "windowStartedAt") * 1000)::float8 AS "windowStartedAt",
          (extract(epoch FROM "lastAttemptAt") * 1000)::float8 AS "lastAttemptAt"`;
      const attempt = beginAttempt(row, this.now(), this.settings);
      if (attempt.allowed) {
        const { failures, windowStartedAt, lastAttemptAt } = attempt.record;
        await tx.loginThrottle.update({
          where: { emailHash },
          data: {
            failures,
            windowStartedAt: new Date(windowStartedAt),
            lastAttemptAt: new Date(lastAttemptAt),
          },
          select: { emailHash: true },
        });
      }
      return attempt;
    });
    this.sweepNowAndThen();
    if (!decision.allowed) throw new LoginThrottledError(decision.retryAfterSeconds);
  }

  /** The password was right: the account's failures are forgotten. */
  async succeeded(email: string): Promise<void> {
    await this.db.prisma.loginThrottle.deleteMany({ where: { emailHash: hashOf(email) } });
  }

  /** Rows of ended windows, emails tried once, would otherwise pile up. */
  private sweepNowAndThen(): void {
    const now = this.now();
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    const ended = new Date(now - this.settings.windowSeconds * 1000);
    this.db.prisma.loginThrottle
      .deleteMany({ where: { windowStartedAt: { lt: ended } } })
      .catch((error: unknown) => this.log.warn({ err: error }, 'login throttle sweep failed'));
  }
}

/** The typed address is not kept: a hash identifies the account's row just as well. */
function hashOf(email: string): string {
  return createHash('sha256').update(email).digest('hex');
}
