import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { FailureReport, type Logger } from '@shop/platform';
import type { SubscribeOptions, Subscription } from './bus';
import type { EventEnvelope } from './envelope';
import type { PgListener } from './pg-listener';
import {
  CLAIM_BATCH,
  type ConsumerIdentity,
  type PostgresStreamTables,
  type StreamEntry,
} from './postgres-stream-tables';

/** Notifications wake a consumer at once; this poll is the safety net, and the sweep's pace. */
const POLL_MS = 2_000;
const RETRY_MS = 1_000;

/**
 * Whether a consumer taking `wanted` types (all: null) has anything to
 * claim after entries of the `published` types were appended (none known,
 * as from a publisher that does not name them: any). One that takes none of
 * them would claim nothing and only move its cursor past them, which its
 * next look does anyway.
 */
export function worthWaking(
  wanted: readonly string[] | null,
  published: readonly string[],
): boolean {
  return (
    wanted === null || published.length === 0 || published.some((type) => wanted.includes(type))
  );
}

/**
 * One subscription of the PostgreSQL bus: a loop that claims entries for
 * its group, hands each claim's events to the handler in id order and
 * acknowledges them after it succeeded. Its liveness is the session of the
 * bus's listening connection, so group-mates take over what it held once
 * that session ends (a connection that merely drops looks the same: an
 * entry may then be handled twice, which idempotent consumers absorb). A
 * failed handler leaves its entries pending; after a pause the consumer
 * takes its own pending entries again first, as the Redis bus's backlog
 * does.
 */
export class PostgresStreamConsumer implements Subscription {
  /** Unique per subscription, so two never share pending entries; readable in the table. */
  private readonly name = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly log: Logger;
  private readonly failures: FailureReport;
  private stopped = false;
  private readonly stopping = new AbortController();
  /** Woken since the last look at the stream: look again instead of waiting. */
  private woken = false;
  private endWait: (() => void) | undefined;
  private readonly running: Promise<void>;
  /** The event types to take; the others are passed over in the claim. */
  private readonly types: readonly string[] | null;

  constructor(
    private readonly stream: string,
    private readonly options: SubscribeOptions,
    private readonly deps: {
      tables: PostgresStreamTables;
      listener: PgListener;
      channel: string;
      /** Resolves once the tables exist. */
      ready(): Promise<void>;
      log: Logger;
    },
  ) {
    this.log = deps.log.child({ stream, group: options.group });
    this.failures = new FailureReport(this.log, 'event consumer');
    this.types = options.types ?? null;
    this.running = this.loop().catch((error: unknown) =>
      this.log.error({ err: error }, 'event consumer stopped'),
    );
  }

  /** Whether a notification of entries of these types is worth a look (`worthWaking`). */
  takesAny(published: readonly string[]): boolean {
    return worthWaking(this.types, published);
  }

  /** Something may have been published, or a notification missed. */
  wake(): void {
    this.woken = true;
    this.endWait?.();
  }

  /** Stops after the batch in flight; entries claimed but not yet handed over are handed back. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.wake();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { tables, listener } = this.deps;
    const { group } = this.options;
    let prepared = false;
    let backlog = true;
    let lastSweep = 0;
    while (!this.stopped) {
      try {
        if (!prepared) {
          await this.deps.ready();
          await listener.listen(this.deps.channel);
          await tables.createGroup(this.stream, group, this.options.startAt ?? 'oldest');
          prepared = true;
        }
        const consumer: ConsumerIdentity = { name: this.name, session: await listener.session() };
        this.woken = false;
        let entries: StreamEntry[] = [];
        if (backlog) {
          entries = await tables.redeliverOwn(this.stream, group, consumer);
          backlog = entries.length > 0;
        }
        if (!backlog && Date.now() - lastSweep >= POLL_MS) {
          lastSweep = Date.now();
          entries = await tables.claimAbandoned(this.stream, group, consumer);
        }
        let drained = entries.length === 0;
        if (drained) {
          const claimed = await tables.claimNew(this.stream, group, consumer, this.types);
          entries = claimed.entries;
          drained = claimed.scanned < CLAIM_BATCH;
        }
        if (entries.length > 0) await this.handle(entries, consumer);
        this.failures.succeeded();
        // A short batch of new entries was all there was: wait for news (one notified while
        // handling ends the wait at once) instead of asking again, which would find nothing.
        if (drained) await this.waitForNews();
      } catch (error) {
        if (this.stopped) break;
        this.failures.failed(error);
        backlog = true;
        await sleep(RETRY_MS, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  private async handle(entries: StreamEntry[], consumer: ConsumerIdentity): Promise<void> {
    const { tables } = this.deps;
    const ids = entries.map((entry) => entry.id);
    // Stopped while claiming: what was taken goes back to the group-mates at once.
    if (this.stopped) {
      await tables.release(this.stream, this.options.group, consumer, ids);
      return;
    }
    const events: EventEnvelope[] = [];
    for (const entry of entries) {
      if (entry.event) events.push(entry.event);
      else this.log.warn({ entryId: entry.id }, 'event trimmed before it was handled; skipped');
    }
    if (events.length > 0) await this.options.handler(events);
    await tables.acknowledge(this.stream, this.options.group, ids);
  }

  private waitForNews(): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.endWait?.(), POLL_MS);
      this.endWait = () => {
        clearTimeout(timer);
        this.endWait = undefined;
        resolve();
      };
    });
  }
}
