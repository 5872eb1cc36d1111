/** The ids seen most recently, at most `capacity` of them: bounded memory for deduplication. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  /** True when the id was seen already; otherwise remembers it (forgetting the oldest beyond capacity). */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return false;
  }

  get size(): number {
    return this.ids.size;
  }
}
