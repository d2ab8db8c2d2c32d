/**
 * A map that holds at most `capacity` entries, dropping the least recently used (read or written) beyond
 * it. `onDrop` hears of each entry dropped or deleted, not of `clear()`.
 */
export class LruMap<K, V> {
  /** In order of use, least recent first (a Map keeps insertion order). */
  private readonly entries = new Map<K, V>();

  constructor(
    readonly capacity: number,
    private readonly onDrop: (key: K, value: V) => void = () => {},
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    if (this.capacity <= 0) return;
    this.entries.set(key, value);
    for (const [oldest, dropped] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
      this.onDrop(oldest, dropped);
    }
  }

  delete(key: K): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.onDrop(key, value);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Every entry, least recently used first; deleting while iterating is allowed. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries[Symbol.iterator]();
  }
}
