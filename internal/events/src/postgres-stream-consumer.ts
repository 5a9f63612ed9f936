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
 * How long handled entries wait for the next claim to acknowledge them
 * before they are acknowledged alone. An acknowledgement of its own was a
 * statement and a transaction on the events database after every batch of
 * every group (embedded checkout bench, 2026-12-06: 8.2 of the events
 * database's transactions per checkout). A crash within the wait hands them
 * over again, which consumers absorb as any second delivery.
 */
const ACKNOWLEDGE_WITHIN_MS = 250;

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
 * acknowledges them after it succeeded, in its next claim when one comes
 * soon (ACKNOWLEDGE_WITHIN_MS). Its liveness is the session of the
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
  /** Entries handed over and handled, not yet acknowledged. */
  private handled: string[] = [];

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
      /** The pause after a short claim that found entries, for the next ones to gather. */
      lingerMs: number;
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
          // What was handled is not this consumer's backlog.
          await this.acknowledgeHandled();
          entries = await tables.redeliverOwn(this.stream, group, consumer);
          backlog = entries.length > 0;
        }
        if (!backlog && Date.now() - lastSweep >= POLL_MS) {
          lastSweep = Date.now();
          entries = await tables.claimAbandoned(this.stream, group, consumer);
        }
        let drained = entries.length === 0;
        if (drained) {
          const claimed = await tables.claimNew(
            this.stream,
            group,
            consumer,
            this.types,
            this.handled,
          );
          this.handled = [];
          entries = claimed.entries;
          drained = claimed.scanned < CLAIM_BATCH;
        }
        if (entries.length > 0) await this.handle(entries, consumer);
        this.failures.succeeded();
        // Events flow: let the next ones gather (news meanwhile ends the wait below at once).
        if (drained && entries.length > 0 && this.deps.lingerMs > 0) {
          await sleep(this.deps.lingerMs, undefined, { signal: this.stopping.signal }).catch(
            () => undefined,
          );
        }
        // A short batch of new entries was all there was: wait for news (one notified while
        // handling ends the wait at once) instead of asking again, which would find nothing.
        // What was handled is acknowledged by the claim that news leads to, or alone if none
        // comes soon.
        if (drained) {
          if (this.handled.length > 0 && !(await this.waitForNews(ACKNOWLEDGE_WITHIN_MS))) {
            await this.acknowledgeHandled();
          }
          if (this.handled.length === 0) await this.waitForNews(POLL_MS);
        }
      } catch (error) {
        if (this.stopped) break;
        this.failures.failed(error);
        backlog = true;
        await sleep(RETRY_MS, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
    await this.acknowledgeHandled().catch((error: unknown) =>
      this.log.warn({ err: error }, 'handled events left pending at stop; they come again'),
    );
  }

  private async acknowledgeHandled(): Promise<void> {
    if (this.handled.length === 0) return;
    await this.deps.tables.acknowledge(this.stream, this.options.group, this.handled);
    this.handled = [];
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
    this.handled.push(...ids);
  }

  /** Waits up to `ms` for a wake-up; answers whether one came (or the consumer stopped). */
  private waitForNews(ms: number): Promise<boolean> {
    if (this.woken || this.stopped) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.endWait = undefined;
        resolve(false);
      }, ms);
      this.endWait = () => {
        clearTimeout(timer);
        this.endWait = undefined;
        resolve(true);
      };
    });
  }
}
