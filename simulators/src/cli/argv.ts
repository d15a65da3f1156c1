/** A small argv parser for onedoor-sim (no dependency): `--flag value`, `--flag=value`, boolean flags, positionals. */

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

export const VALUE_FLAGS = ['baud', 'dir', 'control-port', 'control', 'scenario', 'port-base', 'host'] as const;
export const BOOLEAN_FLAGS = ['tcp', 'help', 'no-prompt', 'verbose'] as const;

export function parseArgv(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h') {
      flags.help = true;
      continue;
    }
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if ((BOOLEAN_FLAGS as readonly string[]).includes(name)) {
      flags[name] = true;
    } else if ((VALUE_FLAGS as readonly string[]).includes(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`--${name} needs a value`);
      flags[name] = v;
    } else {
      throw new Error(`unknown option --${name}; see onedoor-sim --help`);
    }
  }
  return { positionals, flags };
}

/** A flag as a non-negative integer (ports, baud), or the default; throws naming the flag. */
export function intFlag(flags: ParsedArgs['flags'], name: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = flags[name];
  if (v === undefined) return def;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new Error(`--${name} must be a whole number ${min}..${max}, got ${String(v)}`);
  }
  return n;
}

export function stringFlag(flags: ParsedArgs['flags'], name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}
