/**
 * An async iterator fed from outside: `push` queues a value for the
 * consumer, `end` finishes it (after what is queued, plus one last value if
 * given). A consumer that falls `capacity` values behind is ended with
 * `overflow()`'s value instead of holding an ever longer queue: one slow
 * client must not grow the router's memory without bound.
 */
export class PushQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;
  private finished = false;

  constructor(
    private readonly capacity: number,
    private readonly overflow: () => T,
    private readonly onReturn: () => void,
  ) {}

  get done(): boolean {
    return this.ended;
  }

  push(value: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    if (this.values.length >= this.capacity) {
      this.values.length = 0;
      this.end(this.overflow());
      return;
    }
    this.values.push(value);
  }

  /** No more values after those queued (and `last`, when given). */
  end(last?: T): void {
    if (this.ended) return;
    if (last !== undefined) this.push(last);
    this.ended = true;
    this.settle();
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.values.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.ended) {
      this.settle();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** The consumer left (unsubscribed, disconnected). */
  return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    this.ended = true;
    this.settle();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private settle(): void {
    if (this.waiting && this.values.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
    if (!this.finished) {
      this.finished = true;
      this.onReturn();
    }
  }
}
