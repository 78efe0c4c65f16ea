/**
 * The primary IDs an import has met, with where it met each, for a million IDs in a few
 * tens of megabytes: a JavaScript Map of a million strings takes over 100 MB, which is most
 * of the import's memory budget. Keys are 64-bit hashes in open addressing over typed
 * arrays; two different IDs sharing a 64-bit hash in one import is a chance of about one
 * in ten million for a million users.
 */
export class SeenIds {
  private hi = new Uint32Array(1 << 16);
  private lo = new Uint32Array(1 << 16);
  private where = new Float64Array(1 << 16);
  private used = new Uint8Array(1 << 16);
  private size = 0;

  /** The place recorded for this key, or undefined; either way `place` is recorded now. */
  swap(key: string, place: number): number | undefined {
    if ((this.size + 1) * 2 > this.used.length) this.grow();
    const [h, l] = hash(key);
    const mask = this.used.length - 1;
    let i = l & mask;
    while (this.used[i]) {
      if (this.hi[i] === h && this.lo[i] === l) {
        const was = this.where[i];
        this.where[i] = place;
        return was;
      }
      i = (i + 1) & mask;
    }
    this.used[i] = 1;
    this.hi[i] = h;
    this.lo[i] = l;
    this.where[i] = place;
    this.size++;
    return undefined;
  }

  private grow(): void {
    const { hi, lo, where, used } = this;
    const n = used.length * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.where = new Float64Array(n);
    this.used = new Uint8Array(n);
    const mask = n - 1;
    for (let j = 0; j < used.length; j++) {
      if (!used[j]) continue;
      let i = lo[j]! & mask;
      while (this.used[i]) i = (i + 1) & mask;
      this.used[i] = 1;
      this.hi[i] = hi[j]!;
      this.lo[i] = lo[j]!;
      this.where[i] = where[j]!;
    }
  }
}

/** Two independent 32-bit FNV-1a style hashes of the UTF-16 code units. */
function hash(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, (b ^ (a >>> 7)) >>> 0];
}
