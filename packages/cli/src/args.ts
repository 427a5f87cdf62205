// Flag parsing for subcommands on node:util's parseArgs, with errors that name the flag and
// what is allowed, and a usage line per command. Every refusal is a UsageError (a tinylm error,
// exit code 2), whatever the argv: parseArgs' own errors are wrapped, values are shown bounded.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type ErrorDetails, showValue, TinylmError } from '@tinylm/errors';
import { joinNegativeValues } from './negative-values';

/** A command line the command cannot run: a missing, unknown or out-of-range flag. */
export class UsageError extends TinylmError {
  static override readonly kind: string = 'UsageError';

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details);
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** parseArgs' messages quote the offending argument verbatim; a megabyte-long one is cut. */
const MAX_MESSAGE = 500;

export function parseFlags(argv: string[], options: Options, usage: string): ParsedFlags {
  try {
    // `--vocab-size -1`: parseArgs reads `-1` as an option ("argument is ambiguous"); joined as
    // `--vocab-size=-1` it reaches the flag's own check, which says what is allowed.
    const args = joinNegativeValues(argv, options);
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as ParsedFlags['values'], positionals };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const shown = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}...` : message;
    throw new UsageError(`${shown}\nusage: ${usage}`, { cause: e });
  }
}

/** The numbers a flag accepts; `above` and `below` are exclusive bounds (`a number > 0 and < 1`). */
export interface FlagRange {
  min?: number;
  above?: number;
  max?: number;
  below?: number;
}

/**
 * A flag that must be an integer >= min (default 1, a positive integer) and <= max (default
 * Number.MAX_SAFE_INTEGER: beyond it integers are not exact, `1e400` is Infinity).
 */
export function intFlag(name: string, value: unknown, fallback?: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`, { field: `--${name}` });
    return fallback;
  }
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    const what = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    const upTo = max === Number.MAX_SAFE_INTEGER ? '' : ` and <= ${max}`;
    throw new UsageError(`--${name} must be ${what}${upTo}, got ${showValue(value)}`, {
      field: `--${name}`,
      value,
      allowed: `${what}${upTo}`,
    });
  }
  return n;
}

/** A flag that must be a finite number in `range` (a number: the least allowed); `fallback` when absent (undefined: optional). */
export function numberFlag(name: string, value: unknown, fallback?: number, range: number | FlagRange = 0): number | undefined {
  if (value === undefined) return fallback;
  const { min, above, max, below }: FlagRange = typeof range === 'number' ? { min: range } : range;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  const fits =
    Number.isFinite(n) &&
    (min === undefined || n >= min) &&
    (above === undefined || n > above) &&
    (max === undefined || n <= max) &&
    (below === undefined || n < below);
  if (!fits) {
    const bounds = [
      min === undefined ? '' : `>= ${min}`,
      above === undefined ? '' : `> ${above}`,
      max === undefined ? '' : `<= ${max}`,
      below === undefined ? '' : `< ${below}`,
    ].filter(Boolean);
    const what = `a number${bounds.length > 0 ? ` ${bounds.join(' and ')}` : ''}`;
    throw new UsageError(`--${name} must be ${what}, got ${showValue(value)}`, { field: `--${name}`, value, allowed: what });
  }
  return n;
}

/** A flag that takes one of a few words: the word, undefined when absent; a UsageError listing them otherwise. */
export function choiceFlag<T extends string>(name: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${showValue(value)}`, {
      field: `--${name}`,
      value,
      allowed: allowed.join(', '),
    });
  }
  return value as T;
}
