import { AsyncQueue } from './async-queue';

async function drain<T>(queue: AsyncQueue<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of queue) values.push(value);
  return values;
}

describe('AsyncQueue', () => {
  it('hands a waiting consumer the next value, and the rest in order after end', async () => {
    const queue = new AsyncQueue<number>(10, { drop: 'oldest' });
    const first = queue.next();
    queue.push(1);
    expect(await first).toEqual({ value: 1, done: false });
    queue.push(2);
    queue.push(3);
    queue.end(4);
    expect(await drain(queue)).toEqual([2, 3, 4]);
  });

  it('drops the oldest value when full, if told to', async () => {
    let dropped = 0;
    const queue = new AsyncQueue<number>(2, { drop: 'oldest', onDrop: () => dropped++ });
    for (const value of [1, 2, 3, 4]) queue.push(value);
    queue.end();
    expect(await drain(queue)).toEqual([3, 4]);
    expect(dropped).toBe(2);
  });

  it('ends with a last value when full, if told to, and finishes once', async () => {
    let finished = 0;
    const queue = new AsyncQueue<string>(2, { end: () => 'too slow' }, () => finished++);
    for (const value of ['a', 'b', 'c', 'd']) queue.push(value);
    expect(await drain(queue)).toEqual(['too slow']);
    expect(finished).toBe(1);
  });

  it('finishes when the consumer leaves, ending a pending next', async () => {
    let finished = 0;
    const queue = new AsyncQueue<number>(2, { drop: 'oldest' }, () => finished++);
    const pending = queue.next();
    await queue.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    queue.push(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(finished).toBe(1);
  });
});
