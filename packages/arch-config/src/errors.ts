// Error classes of @tinylm/arch-config: one class per kind of failure, each extending the one
// tinylm base, `TinylmError` from @tinylm/errors. `X.isInstance(e)` (inherited) recognises an
// error thrown by another copy of this package (duplicate installs), where `instanceof` fails.
// Messages follow Hugging Face transformers' ValueError habit: name the field, the bad value,
// the file it came from and what is allowed.

import { InvalidArgumentError as SharedInvalidArgumentError, showValue, TinylmError } from '@tinylm/errors';

export { showValue, TinylmError };

/** @deprecated Renamed to TinylmError (from @tinylm/errors, shared by every tinylm package); the old name goes in 0.3. */
export const TinyLMError = TinylmError;
/** @deprecated Renamed to TinylmError (from @tinylm/errors, shared by every tinylm package); the old name goes in 0.3. */
export type TinyLMError = TinylmError;

/** Where a value came from, for messages: a file path, `config.json`, a preset name. */
function at(source: string | undefined): string {
  return source ? `${source}: ` : '';
}

/**
 * A model-config field holds a value the architecture cannot use (non-positive size, hidden size
 * not divisible by the head count, odd head size, ...). `field`, `value` and `allowed` are kept
 * for programs; the message states all three.
 */
export class ConfigValueError extends TinylmError {
  static override readonly kind: string = 'ConfigValueError';
  declare readonly field: string;
  declare readonly allowed: string;
  readonly reason?: string;
  /** Where the config came from (a file path, `config.json`, a preset name); also `file`. */
  readonly source?: string;

  constructor(args: { field: string; value: unknown; allowed: string; reason?: string; source?: string }) {
    const reason = args.reason ? `${args.reason}; ` : '';
    super(`${at(args.source)}${args.field} = ${showValue(args.value)} is invalid: ${reason}allowed: ${args.allowed}`, {
      file: args.source,
      field: args.field,
      value: args.value,
      allowed: args.allowed,
    });
    this.reason = args.reason;
    this.source = args.source;
  }
}

/** A config file or JSON object could not be read as a model config (bad JSON, unknown shape or key). */
export class ConfigParseError extends TinylmError {
  static override readonly kind: string = 'ConfigParseError';
  /** Where the config came from; also `file`. */
  readonly source?: string;

  constructor(message: string, options?: { source?: string; cause?: unknown }) {
    super(`${at(options?.source)}${message}`, { file: options?.source, cause: options?.cause });
    this.source = options?.source;
  }
}

/** A Hugging Face config describes a model outside the LLaMA family this package models exactly. */
export class UnsupportedArchitectureError extends TinylmError {
  static override readonly kind: string = 'UnsupportedArchitectureError';
  declare readonly allowed: string;
  readonly found: string;
  /** Where the config came from; also `file`. */
  readonly source?: string;

  constructor(args: { found: string; allowed: string; source?: string }) {
    super(`${at(args.source)}${args.found} is not supported; allowed: ${args.allowed}`, { file: args.source, allowed: args.allowed });
    this.found = args.found;
    this.source = args.source;
  }
}

/** A preset name that does not exist (and, for `configFromPresetOrFile`, no file by that name). */
export class UnknownPresetError extends TinylmError {
  static override readonly kind: string = 'UnknownPresetError';
  readonly preset: string;
  readonly available: readonly string[];

  constructor(preset: string, available: readonly string[], extra = '') {
    super(`unknown preset ${showValue(preset)}${extra}; available: ${available.join(', ')}`, {
      field: 'preset',
      value: preset,
      allowed: available.join(', '),
    });
    this.preset = preset;
    this.available = available;
  }
}

/**
 * An option passed to a function (search budget, batch, dtype, ...) is out of range: the shared
 * `InvalidArgumentError` of @tinylm/errors (same kind, same message), taking this package's
 * `{ argument, value, allowed }` as well as the shared `{ field, value, allowed, reason?, file? }`.
 */
export class InvalidArgumentError extends SharedInvalidArgumentError {
  constructor(args: { argument: string; value: unknown; allowed: string } | ConstructorParameters<typeof SharedInvalidArgumentError>[0]) {
    super('argument' in args ? { field: args.argument, value: args.value, allowed: args.allowed } : args);
  }

  /** @deprecated Renamed to `field`, as in every tinylm error; the old name goes in 0.3. */
  get argument(): string {
    return this.field;
  }
}

/** The config cannot be expressed exactly in InternEvo's LLAMA2 model config (e.g. no mlp_ratio fits). */
export class InternEvoExportError extends TinylmError {
  static override readonly kind: string = 'InternEvoExportError';

  constructor(message: string) {
    super(message);
  }
}
