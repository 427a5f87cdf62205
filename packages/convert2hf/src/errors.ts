// The error classes of @tinylm/convert2hf, one per kind of failure, each extending the one tinylm
// base, `TinylmError` from @tinylm/errors, and taking hf-io's `{ message, file?, tensor?, field?, ... }`.
// `X.isInstance(e)` (inherited) works across duplicate copies of the package where `instanceof`
// fails, and `TinylmError.isInstance(e)` recognises every tinylm error.

import { TinylmError } from '@tinylm/errors';
import type { TinylmErrorOptions } from '@tinylm/hf-io';

/**
 * A pickle asks for something the restricted unpickler will not do: a global (class or function)
 * outside the allow-list, an extension code, an out-of-band buffer, or an allowed global called
 * with arguments it does not accept. `global` names what was refused (e.g. `os.system`).
 */
export class UnsafePickleError extends TinylmError {
  static override readonly kind: string = 'UnsafePickleError';
  /** The refused global as `module.name`, when the refusal is about a global. */
  readonly global?: string;

  constructor(options: TinylmErrorOptions & { global?: string }) {
    super(options.message, options);
    this.global = options.global;
  }
}

/** A pickle stream is truncated or corrupt: unknown opcode, stack underflow, bad memo index, no STOP. */
export class PickleFormatError extends TinylmError {
  static override readonly kind: string = 'PickleFormatError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/**
 * A zip archive (PyTorch's checkpoint container) is truncated or corrupt: no end-of-central-
 * directory record, entries outside the file, a CRC-32 mismatch, an unsupported compression.
 */
export class ZipFormatError extends TinylmError {
  static override readonly kind: string = 'ZipFormatError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/**
 * A checkpoint to convert (a tinylm training run, an InternEvo or a PyTorch checkpoint, its
 * tokenizer files) cannot be converted as it is: a missing shard or file, a key that fits no
 * known layout, a tensor whose shape disagrees with the config (the message names it), shards
 * that disagree with each other, a tokenizer that does not fit the embedding, no complete step
 * folder. Nothing is guessed or silently fixed. (Not the trainer's own resume errors: those are
 * multi-round-trainer's `TrainerCheckpointError`.)
 */
export class SourceCheckpointError extends TinylmError {
  static override readonly kind: string = 'SourceCheckpointError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/** @deprecated Renamed to SourceCheckpointError; the old name goes in 0.3. */
export const CheckpointError = SourceCheckpointError;
/** @deprecated Renamed to SourceCheckpointError; the old name goes in 0.3. */
export type CheckpointError = SourceCheckpointError;

/**
 * What was given to a checkpoint writer (`writeTorchStateDict`, the pickle and zip writers under
 * it) cannot be written as asked: a duplicate or malformed tensor name, an unknown dtype, a shape
 * that is not a list of sizes, data whose byte length disagrees with dtype x shape, a value the
 * pickle writer does not encode, an archive name that is not one path segment. The message names
 * the tensor or field and what is allowed; nothing is written.
 */
export class CheckpointWriteError extends TinylmError {
  static override readonly kind: string = 'CheckpointWriteError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/** A model or tokenizer cannot be written as GGUF for llama.cpp's `llama` architecture. */
export class GgufExportError extends TinylmError {
  static override readonly kind: string = 'GgufExportError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}
