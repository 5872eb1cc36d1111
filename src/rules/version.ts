/** Semantic versions as libsinsp reads them (sinsp_version): `x.y.z`, anything may follow. */
export class Version {
  constructor(
    readonly major: number,
    readonly minor: number,
    readonly patch: number,
  ) {}

  /** Undefined when the text does not start with three dot-separated numbers. */
  static parse(text: string): Version | undefined {
    const m = /^\s*\+?(\d+)\.\s*\+?(\d+)\.\s*\+?(\d+)/.exec(text);
    if (!m) return undefined;
    const parts = [m[1], m[2], m[3]].map(Number) as [number, number, number];
    if (parts.some((p) => p > 0xffffffff)) return undefined;
    return new Version(...parts);
  }

  compare(other: Version): number {
    return this.major - other.major || this.minor - other.minor || this.patch - other.patch;
  }

  lessThan(other: Version): boolean {
    return this.compare(other) < 0;
  }

  /** Same major version and at least as recent as `requested`. */
  compatibleWith(requested: Version): boolean {
    return this.major === requested.major && this.compare(requested) >= 0;
  }

  toString(): string {
    return `${this.major}.${this.minor}.${this.patch}`;
  }
}
