/** What a full queue does with one more value. */
export type Overflow<T> =
  /** Drop the oldest queued value (the consumer only misses intermediate ones). */
  | { drop: 'oldest'; onDrop?: () => void }
  /** End the queue with this last value (the consumer is told it fell behind). */
  | { end: () => T };

/**
 * An async iterator fed from outside: `push` queues a value for the
 * consumer, `end` finishes it after what is queued (plus one last value, if
 * given). At most `capacity` values wait; `overflow` says what happens
 * beyond, so one slow consumer cannot grow memory without bound. `onFinish`
 * runs once, when no more values are wanted: the queue ended, or the
 * consumer left (`return`).
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;
  private finished = false;

  constructor(
    private readonly capacity: number,
    private readonly overflow: Overflow<T>,
    private readonly onFinish: () => void = () => undefined,
  ) {}

  push(value: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    if (this.values.length >= this.capacity) {
      if ('end' in this.overflow) {
        this.values.length = 0;
        this.end(this.overflow.end());
        return;
      }
      this.values.shift();
      this.overflow.onDrop?.();
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
    if (this.values.length > 0)
      return Promise.resolve({ value: this.values.shift()!, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** The consumer left: what is queued is dropped, a pending next() ends. */
  return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    this.ended = true;
    this.settle();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
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
      this.onFinish();
    }
  }
}
