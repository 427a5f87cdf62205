// The error classes of @tinylm/hf-io, one per kind of failure, each extending the one tinylm
// base, `TinylmError` from @tinylm/errors (re-exported here under its name). `X.isInstance(e)`
// (inherited) still recognises an error thrown by a second copy of this package, where
// `instanceof` fails, and `TinylmError.isInstance(e)` recognises the errors of every tinylm package.

import { type ErrorDetails, InvalidArgumentError as SharedInvalidArgumentError, TinylmError } from '@tinylm/errors';

export { type ErrorDetails, TinylmError };

/** Where an error happened: the file or folder, and the tensor or field inside it. */
export type ErrorLocation = Pick<ErrorDetails, 'file' | 'tensor' | 'field'>;

/** What this package's error constructors take (as do convert2hf's and tokenizer-prune's): the message and the details. */
export interface TinylmErrorOptions extends ErrorDetails {
  message: string;
}

/**
 * A safetensors file (or buffer) breaks the format: bad header length, header not JSON,
 * unknown dtype, offsets out of bounds, overlapping or not contiguous, size not matching
 * dtype × shape, truncated data. The message names the file and the tensor.
 */
export class SafetensorsFormatError extends TinylmError {
  static override readonly kind: string = 'SafetensorsFormatError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/**
 * The tensors given to a safetensors writer are inconsistent: duplicate or reserved names, an
 * unknown dtype, a bad shape, data of the wrong length or array type, or bad metadata.
 */
export class SafetensorsWriteError extends TinylmError {
  static override readonly kind: string = 'SafetensorsWriteError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/** A tensor was asked for by a name that the file or checkpoint does not hold. */
export class TensorNotFoundError extends TinylmError {
  static override readonly kind: string = 'TensorNotFoundError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/**
 * A Hugging Face model folder is unusable: no weights file, a bad or inconsistent
 * `model.safetensors.index.json` (missing shards, tensors absent from their shard), or a JSON
 * file that does not parse.
 */
export class HfFolderError extends TinylmError {
  static override readonly kind: string = 'HfFolderError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/** An output file or folder already exists and the caller did not pass `force: true`. */
export class OutputExistsError extends TinylmError {
  static override readonly kind: string = 'OutputExistsError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

type SharedArgumentArgs = ConstructorParameters<typeof SharedInvalidArgumentError>[0];

/**
 * A function argument is out of range or malformed (a row range, a shard size string): the
 * shared `InvalidArgumentError` of @tinylm/errors (same kind). It takes this package's
 * `{ message, file?, tensor?, field? }`, whose message is used as it is, as well as the shared
 * `{ field, value, allowed, reason?, file? }`, whose message is built from them.
 */
export class InvalidArgumentError extends SharedInvalidArgumentError {
  constructor(options: TinylmErrorOptions | SharedArgumentArgs) {
    // The `{ message }` form passes its details; its message, which states the value and what is
    // allowed, replaces the one built from them.
    super(options as SharedArgumentArgs);
    if ('message' in options) this.message = options.message;
  }
}
