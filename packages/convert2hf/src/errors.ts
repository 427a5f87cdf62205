// The error classes of @tinylm/convert2hf, one per kind of failure. They extend hf-io's
// `TinylmError` and follow the same pattern (vercel/ai's `AISDKError`,
// packages/provider/src/errors/ai-sdk-error.ts): each carries a `Symbol.for('tinylm.error.<Name>')`
// marker, so `X.isInstance(e)` works across duplicate copies of the package where `instanceof`
// fails, and `TinylmError.isInstance(e)` recognises every tinylm error.

import { TinylmError, type TinylmErrorOptions } from '@tinylm/hf-io';

function hasMarker(error: unknown, marker: string): boolean {
  const symbol = Symbol.for(marker);
  return (
    error != null && typeof error === 'object' && symbol in error && (error as Record<symbol, unknown>)[symbol] === true
  );
}

const unsafeMarker = 'tinylm.error.UnsafePickleError';
const unsafeSymbol = Symbol.for(unsafeMarker);

/**
 * A pickle asks for something the restricted unpickler will not do: a global (class or function)
 * outside the allow-list, an extension code, an out-of-band buffer, or an allowed global called
 * with arguments it does not accept. `global` names what was refused (e.g. `os.system`).
 */
export class UnsafePickleError extends TinylmError {
  private readonly [unsafeSymbol] = true;
  /** The refused global as `module.name`, when the refusal is about a global. */
  readonly global?: string;

  constructor(options: TinylmErrorOptions & { global?: string }) {
    super('UnsafePickleError', options);
    this.global = options.global;
  }

  static override isInstance(error: unknown): error is UnsafePickleError {
    return hasMarker(error, unsafeMarker);
  }
}

const pickleMarker = 'tinylm.error.PickleFormatError';
const pickleSymbol = Symbol.for(pickleMarker);

/** A pickle stream is truncated or corrupt: unknown opcode, stack underflow, bad memo index, no STOP. */
export class PickleFormatError extends TinylmError {
  private readonly [pickleSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('PickleFormatError', options);
  }

  static override isInstance(error: unknown): error is PickleFormatError {
    return hasMarker(error, pickleMarker);
  }
}

const zipMarker = 'tinylm.error.ZipFormatError';
const zipSymbol = Symbol.for(zipMarker);

/**
 * A zip archive (PyTorch's checkpoint container) is truncated or corrupt: no end-of-central-
 * directory record, entries outside the file, a CRC-32 mismatch, an unsupported compression.
 */
export class ZipFormatError extends TinylmError {
  private readonly [zipSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('ZipFormatError', options);
  }

  static override isInstance(error: unknown): error is ZipFormatError {
    return hasMarker(error, zipMarker);
  }
}

const checkpointMarker = 'tinylm.error.CheckpointError';
const checkpointSymbol = Symbol.for(checkpointMarker);

/**
 * A checkpoint cannot be converted as it is: a missing shard or file, a key that fits no known
 * layout, a tensor whose shape disagrees with the config (the message names it), shards that
 * disagree with each other, a tokenizer that does not fit the embedding, no complete step folder.
 * Nothing is guessed or silently fixed.
 */
export class CheckpointError extends TinylmError {
  private readonly [checkpointSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('CheckpointError', options);
  }

  static override isInstance(error: unknown): error is CheckpointError {
    return hasMarker(error, checkpointMarker);
  }
}

const ggufMarker = 'tinylm.error.GgufExportError';
const ggufSymbol = Symbol.for(ggufMarker);

/** A model or tokenizer cannot be written as GGUF for llama.cpp's `llama` architecture. */
export class GgufExportError extends TinylmError {
  private readonly [ggufSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('GgufExportError', options);
  }

  static override isInstance(error: unknown): error is GgufExportError {
    return hasMarker(error, ggufMarker);
  }
}
