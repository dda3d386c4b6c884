/** A small argv parser: `--name value`, `--name=value`, boolean `--flag`, and positionals. */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string | true>;
  /** Every value of a repeatable option, in order (`--map A=x --map B=y`). */
  lists: Map<string, string[]>;
}

/** Parses argv; `booleans` names the flags that take no value. */
export function parseArgs(argv: string[], booleans: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  const set = (name: string, value: string): void => {
    options.set(name, value);
    lists.set(name, [...(lists.get(name) ?? []), value]);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (eq !== -1) set(name, arg.slice(eq + 1));
    else if (booleans.includes(name)) options.set(name, true);
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      set(name, value);
      i++;
    }
  }
  return { positionals, options, lists };
}

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** The string value of an option, or the fallback. */
export function stringOption(args: ParsedArgs, name: string, fallback: string): string;
export function stringOption(args: ParsedArgs, name: string): string | undefined;
export function stringOption(args: ParsedArgs, name: string, fallback?: string): string | undefined {
  const v = args.options.get(name);
  if (v === true) throw new UsageError(`option --${name} needs a value`);
  return v ?? fallback;
}

/** An integer option within [min, max]. */
export function intOption(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`option --${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return n;
}

/** Rejects options the command does not know, so a typo never passes silently. */
export function rejectUnknown(args: ParsedArgs, known: readonly string[]): void {
  for (const name of args.options.keys()) {
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
  }
}
