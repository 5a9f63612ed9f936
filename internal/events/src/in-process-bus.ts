import type { Logger } from '@shop/platform';
import type { EventBus, SubscribeOptions, Subscription } from './bus';
import type { EventEnvelope } from './envelope';

/** How many events a stream keeps for groups that subscribe late. */
const RETAINED = 10_000;
const RETRY_MS = 500;

interface Group {
  options: SubscribeOptions;
  /** Position in the stream's log of the next event to deliver. */
  cursor: number;
  running: boolean;
  stopped: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * The bus of the embedded mode: a log per stream in memory, a cursor per
 * group. A group starts from the oldest retained event (as a Redis group made
 * at "0" does), or after the newest when asked, and retries an event that
 * failed until it succeeds.
 */
export class InProcessEventBus implements EventBus {
  private readonly logs = new Map<string, { offset: number; events: EventEnvelope[] }>();
  private readonly groups = new Set<Group>();

  constructor(private readonly log: Logger) {}

  async publish(stream: string, events: EventEnvelope[]): Promise<void> {
    const entry = this.logOf(stream);
    entry.events.push(...events);
    const excess = entry.events.length - RETAINED;
    if (excess > 0) {
      entry.events.splice(0, excess);
      entry.offset += excess;
    }
    for (const group of this.groups) if (group.options.stream === stream) this.drain(group);
  }

  subscribe(options: SubscribeOptions): Subscription {
    const entry = this.logOf(options.stream);
    const group: Group = {
      options,
      cursor: options.startAt === 'newest' ? entry.offset + entry.events.length : entry.offset,
      running: false,
      stopped: false,
    };
    this.groups.add(group);
    this.drain(group);
    return {
      stop: async () => {
        group.stopped = true;
        clearTimeout(group.timer);
        this.groups.delete(group);
      },
    };
  }

  async close(): Promise<void> {
    for (const group of this.groups) {
      group.stopped = true;
      clearTimeout(group.timer);
    }
    this.groups.clear();
  }

  private logOf(stream: string) {
    let entry = this.logs.get(stream);
    if (!entry) {
      entry = { offset: 0, events: [] };
      this.logs.set(stream, entry);
    }
    return entry;
  }

  private drain(group: Group): void {
    if (group.running || group.stopped) return;
    group.running = true;
    void (async () => {
      const entry = this.logOf(group.options.stream);
      try {
        group.cursor = Math.max(group.cursor, entry.offset);
        while (!group.stopped && group.cursor - entry.offset < entry.events.length) {
          await group.options.handler(entry.events[group.cursor - entry.offset]!);
          group.cursor++;
        }
      } catch (error) {
        this.log.error(
          { err: error, stream: group.options.stream, group: group.options.group },
          'event handler failed; retrying',
        );
        group.timer = setTimeout(() => this.drain(group), RETRY_MS);
      } finally {
        group.running = false;
      }
    })();
  }
}
