/**
 * A small command-line reader for the benchmarks and the fleet: `--key value`, `--key=value`
 * and bare `--flag`. Values are checked where they are read, so a typo stops the run with the
 * option's name instead of benchmarking the wrong thing.
 */

export class Args {
  private readonly values = new Map<string, string | true>();
  private readonly lists = new Map<string, string[]>();

  constructor(argv: readonly string[] = process.argv.slice(2)) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (!arg.startsWith('--')) continue;
      const eq = arg.indexOf('=');
      const key = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      let value: string | true = true;
      if (eq > 0) value = arg.slice(eq + 1);
      else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) value = argv[++i]!;
      this.values.set(key, value);
      if (typeof value === 'string') this.lists.set(key, [...(this.lists.get(key) ?? []), value]);
    }
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  flag(key: string): boolean {
    const v = this.values.get(key);
    return v === true || v === 'true' || v === '1';
  }

  string(key: string, fallback: string): string;
  string(key: string): string | undefined;
  string(key: string, fallback?: string): string | undefined {
    const v = this.values.get(key);
    if (v === undefined) return fallback;
    if (v === true) throw new Error(`--${key} needs a value`);
    return v;
  }

  /** Every value given for a repeatable option, in order. */
  all(key: string): string[] {
    return this.lists.get(key) ?? [];
  }

  number(key: string, fallback: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    const { min = -Infinity, max = Infinity, integer = false } = range;
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new Error(`--${key} = ${raw}: expected ${integer ? 'a whole number' : 'a number'} in [${min}, ${max}]`);
    }
    return n;
  }

  /** A comma-separated list of numbers, e.g. `--sizes 1000,5000`. */
  numbers(key: string, fallback: number[]): number[] {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    const out = raw.split(',').map((s) => Number(s.trim()));
    if (out.some((n) => !Number.isFinite(n))) throw new Error(`--${key} = ${raw}: expected numbers separated by commas`);
    return out;
  }
}
