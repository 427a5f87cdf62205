// Flag parsing for subcommands on node:util's parseArgs, with errors that name the flag and
// what is allowed, and a usage line per command.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseFlags(argv: string[], options: Options, usage: string): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as ParsedFlags['values'], positionals };
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${usage}`);
  }
}

/** A flag that must be an integer >= min (default 1, a positive integer). */
export function intFlag(name: string, value: unknown, fallback?: number, min = 1): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isInteger(n) || n < min) {
    const what = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    throw new UsageError(`--${name} must be ${what}, got "${String(value)}"`);
  }
  return n;
}

/** A flag that must be a finite number >= min; `fallback` when absent (undefined: optional). */
export function numberFlag(name: string, value: unknown, fallback?: number, min = 0): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new UsageError(`--${name} must be a number >= ${min}, got "${String(value)}"`);
  }
  return n;
}
