/** Gives a leased slot back; calling it again does nothing. */
export type Release = () => void;

/**
 * At most `max` leases at once per key (0: no limit): open connections per
 * address or per user. Keys without a lease are forgotten, so the map holds
 * only callers that have something open.
 */
export class ConcurrencyLimit {
  private readonly leases = new Map<string, number>();

  constructor(readonly max: number) {}

  /** A lease when one more fits under `key`, undefined when the key is at its limit. */
  acquire(key: string): Release | undefined {
    if (this.max <= 0) return () => undefined;
    const held = this.leases.get(key) ?? 0;
    if (held >= this.max) return undefined;
    this.leases.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.leases.get(key) ?? 1) - 1;
      if (left > 0) this.leases.set(key, left);
      else this.leases.delete(key);
    };
  }
}
