import type Redis from 'ioredis';
import type { Logger } from '@shop/platform';
import type { PlanStore } from '../execution/caches';

/** A day: plans of operations still in use are written again by whichever instance plans them. */
const PLAN_TTL_SECONDS = 24 * 60 * 60;

/**
 * Query plans in Redis, so every router instance (and a new one) plans an
 * operation once. The key the executor gives carries the schema hash: a new
 * supergraph never reads an old plan. A failure is a miss (the executor
 * plans again), logged once until Redis answers again.
 */
export class RedisPlanStore implements PlanStore {
  private failing = false;

  constructor(
    private readonly redis: Redis,
    /** CACHE_KEY_PREFIX. */
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.attempt(() => this.redis.get(this.keyOf(key)))) ?? undefined;
  }

  async set(key: string, serializedPlan: string): Promise<void> {
    await this.attempt(() =>
      this.redis.set(this.keyOf(key), serializedPlan, 'EX', PLAN_TTL_SECONDS),
    );
  }

  private keyOf(key: string): string {
    return `${this.prefix}plan:${key}`;
  }

  private async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work();
      this.failing = false;
      return result;
    } catch (error) {
      if (!this.failing) this.log.warn({ err: error }, 'plan store failed; planning anew');
      this.failing = true;
      return undefined;
    }
  }
}
