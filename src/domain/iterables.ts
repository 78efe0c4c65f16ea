/** Lazily maps an iterable (Node 20 has no Iterator.prototype.map). */
export function* mapIterable<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}
