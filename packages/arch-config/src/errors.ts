// Error classes of @tinylm/arch-config: one class per kind of failure.
// Follows vercel/ai (`AISDKError`, packages/provider/src/errors): each class carries a
// `Symbol.for(...)` marker and a static `isInstance()`, so an error thrown by one copy of this
// package is recognised by another copy (duplicate installs), where `instanceof` would fail.
// Messages follow Hugging Face transformers' ValueError habit: name the field, the bad value,
// the file it came from and what is allowed.

const BASE_MARKER = 'tinylm.error';
const baseSymbol = Symbol.for(BASE_MARKER);

function hasMarker(error: unknown, marker: string): boolean {
  const symbol = Symbol.for(marker);
  return (
    error != null &&
    typeof error === 'object' &&
    symbol in error &&
    (error as Record<symbol, unknown>)[symbol] === true
  );
}

/** Base class of every tinylm error; recognised across package copies by `TinyLMError.isInstance`. */
export class TinyLMError extends Error {
  private readonly [baseSymbol] = true;

  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }

  /** True for any tinylm error (from any package, any copy), by its `Symbol.for('tinylm.error')` marker. */
  static isInstance(error: unknown): error is TinyLMError {
    return hasMarker(error, BASE_MARKER);
  }
}

/** Where a value came from, for messages: a file path, `config.json`, a preset name. */
function at(source: string | undefined): string {
  return source ? `${source}: ` : '';
}

/** Shows a value the way a user wrote it (strings quoted, objects as JSON). */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

const CONFIG_VALUE = 'tinylm.error.ConfigValueError';
const configValueSymbol = Symbol.for(CONFIG_VALUE);

/**
 * A model-config field holds a value the architecture cannot use (non-positive size, hidden size
 * not divisible by the head count, odd head size, ...). `field`, `value` and `allowed` are kept
 * for programs; the message states all three.
 */
export class ConfigValueError extends TinyLMError {
  private readonly [configValueSymbol] = true;
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
  readonly reason?: string;
  readonly source?: string;

  constructor(args: { field: string; value: unknown; allowed: string; reason?: string; source?: string }) {
    const reason = args.reason ? `${args.reason}; ` : '';
    super(
      'ConfigValueError',
      `${at(args.source)}${args.field} = ${showValue(args.value)} is invalid: ${reason}allowed: ${args.allowed}`,
    );
    this.field = args.field;
    this.value = args.value;
    this.allowed = args.allowed;
    this.reason = args.reason;
    this.source = args.source;
  }

  static override isInstance(error: unknown): error is ConfigValueError {
    return hasMarker(error, CONFIG_VALUE);
  }
}

const CONFIG_PARSE = 'tinylm.error.ConfigParseError';
const configParseSymbol = Symbol.for(CONFIG_PARSE);

/** A config file or JSON object could not be read as a model config (bad JSON, unknown shape or key). */
export class ConfigParseError extends TinyLMError {
  private readonly [configParseSymbol] = true;
  readonly source?: string;

  constructor(message: string, options?: { source?: string; cause?: unknown }) {
    super('ConfigParseError', `${at(options?.source)}${message}`, { cause: options?.cause });
    this.source = options?.source;
  }

  static override isInstance(error: unknown): error is ConfigParseError {
    return hasMarker(error, CONFIG_PARSE);
  }
}

const UNSUPPORTED_ARCH = 'tinylm.error.UnsupportedArchitectureError';
const unsupportedArchSymbol = Symbol.for(UNSUPPORTED_ARCH);

/** A Hugging Face config describes a model outside the LLaMA family this package models exactly. */
export class UnsupportedArchitectureError extends TinyLMError {
  private readonly [unsupportedArchSymbol] = true;
  readonly found: string;
  readonly source?: string;

  constructor(args: { found: string; allowed: string; source?: string }) {
    super('UnsupportedArchitectureError', `${at(args.source)}${args.found} is not supported; allowed: ${args.allowed}`);
    this.found = args.found;
    this.source = args.source;
  }

  static override isInstance(error: unknown): error is UnsupportedArchitectureError {
    return hasMarker(error, UNSUPPORTED_ARCH);
  }
}

const UNKNOWN_PRESET = 'tinylm.error.UnknownPresetError';
const unknownPresetSymbol = Symbol.for(UNKNOWN_PRESET);

/** A preset name that does not exist (and, for `configFromPresetOrFile`, no file by that name). */
export class UnknownPresetError extends TinyLMError {
  private readonly [unknownPresetSymbol] = true;
  readonly preset: string;
  readonly available: readonly string[];

  constructor(preset: string, available: readonly string[], extra = '') {
    super('UnknownPresetError', `unknown preset ${JSON.stringify(preset)}${extra}; available: ${available.join(', ')}`);
    this.preset = preset;
    this.available = available;
  }

  static override isInstance(error: unknown): error is UnknownPresetError {
    return hasMarker(error, UNKNOWN_PRESET);
  }
}

const INVALID_ARGUMENT = 'tinylm.error.InvalidArgumentError';
const invalidArgumentSymbol = Symbol.for(INVALID_ARGUMENT);

/** An option passed to a function (search budget, batch, dtype, ...) is out of range. */
export class InvalidArgumentError extends TinyLMError {
  private readonly [invalidArgumentSymbol] = true;
  readonly argument: string;
  readonly value: unknown;

  constructor(args: { argument: string; value: unknown; allowed: string }) {
    super('InvalidArgumentError', `${args.argument} = ${showValue(args.value)} is invalid; allowed: ${args.allowed}`);
    this.argument = args.argument;
    this.value = args.value;
  }

  static override isInstance(error: unknown): error is InvalidArgumentError {
    return hasMarker(error, INVALID_ARGUMENT);
  }
}

const INTERNEVO_EXPORT = 'tinylm.error.InternEvoExportError';
const internEvoExportSymbol = Symbol.for(INTERNEVO_EXPORT);

/** The config cannot be expressed exactly in InternEvo's LLAMA2 model config (e.g. no mlp_ratio fits). */
export class InternEvoExportError extends TinyLMError {
  private readonly [internEvoExportSymbol] = true;

  constructor(message: string) {
    super('InternEvoExportError', message);
  }

  static override isInstance(error: unknown): error is InternEvoExportError {
    return hasMarker(error, INTERNEVO_EXPORT);
  }
}
