/**
 * Up to `concurrency` calls in flight at once: a call to Alma takes a few hundred
 * milliseconds, so one at a time would reach a fraction of the rate the limiter allows.
 * Results come as the calls end; `stop()` from inside a task ends the feed cleanly (the
 * calls in flight finish, nothing new starts).
 */
export async function* inPool<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  task: (item: T, stop: () => void) => Promise<R>,
): AsyncGenerator<R> {
  const source = (Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]()) as
    AsyncIterator<T> | Iterator<T>;
  let stopped = false;
  let exhausted = false;
  const stop = () => void (stopped = true);
  const running = new Map<number, Promise<{ id: number; result: R }>>();
  let next = 0;
  const fill = async () => {
    while (!stopped && !exhausted && running.size < concurrency) {
      const r = await source.next();
      if (r.done) {
        exhausted = true;
        break;
      }
      const id = next++;
      running.set(id, task(r.value, stop).then((result) => ({ id, result })));
    }
  };
  await fill();
  while (running.size) {
    const { id, result } = await Promise.race(running.values());
    running.delete(id);
    yield result;
    await fill();
  }
}

/** How many calls to keep in flight to reach `rate` a second when each takes about half a second. */
export function concurrencyFor(rate: number): number {
  return Math.max(1, Math.min(32, Math.ceil(rate / 2)));
}
