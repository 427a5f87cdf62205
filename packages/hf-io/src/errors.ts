// The error classes of @tinylm/hf-io, one per kind of failure.
// Follows vercel/ai's `AISDKError` pattern (packages/provider/src/errors/ai-sdk-error.ts): each
// class carries a `Symbol.for(...)` marker, so `X.isInstance(e)` still recognises an error thrown
// by a second copy of this package (where `instanceof` fails). Every tinylm package marks its
// errors with the shared `tinylm.error` symbol, so `TinylmError.isInstance` recognises them all.

const BASE_MARKER = 'tinylm.error';
const baseSymbol = Symbol.for(BASE_MARKER);

function hasMarker(error: unknown, marker: string): boolean {
  const symbol = Symbol.for(marker);
  return (
    error != null && typeof error === 'object' && symbol in error && (error as Record<symbol, unknown>)[symbol] === true
  );
}

/** Where an error happened: the file or folder, and the tensor or field inside it. */
export interface ErrorLocation {
  /** The file or folder involved (a label such as `<buffer>` for in-memory data). */
  file?: string;
  /** The tensor involved, when there is one. */
  tensor?: string;
  /** The JSON field or argument involved, when there is one. */
  field?: string;
}

/** Constructor options shared by every tinylm error. */
export interface TinylmErrorOptions extends ErrorLocation {
  message: string;
  cause?: unknown;
}

/**
 * Base class of every error thrown by tinylm packages. Use `TinylmError.isInstance(e)` rather
 * than `instanceof`, which fails when two copies of a package are installed.
 */
export class TinylmError extends Error {
  private readonly [baseSymbol] = true;
  /** The file or folder involved, if any. */
  readonly file?: string;
  /** The tensor involved, if any. */
  readonly tensor?: string;
  /** The JSON field or argument involved, if any. */
  readonly field?: string;

  constructor(name: string, options: TinylmErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.file = options.file;
    this.tensor = options.tensor;
    this.field = options.field;
  }

  /** True for any error thrown by a tinylm package, from any copy of it. */
  static isInstance(error: unknown): error is TinylmError {
    return hasMarker(error, BASE_MARKER);
  }
}

const formatMarker = `${BASE_MARKER}.SafetensorsFormatError`;
const formatSymbol = Symbol.for(formatMarker);

/**
 * A safetensors file (or buffer) breaks the format: bad header length, header not JSON,
 * unknown dtype, offsets out of bounds, overlapping or not contiguous, size not matching
 * dtype × shape, truncated data. The message names the file and the tensor.
 */
export class SafetensorsFormatError extends TinylmError {
  private readonly [formatSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('SafetensorsFormatError', options);
  }

  static override isInstance(error: unknown): error is SafetensorsFormatError {
    return hasMarker(error, formatMarker);
  }
}

const writeMarker = `${BASE_MARKER}.SafetensorsWriteError`;
const writeSymbol = Symbol.for(writeMarker);

/**
 * The tensors given to a safetensors writer are inconsistent: duplicate or reserved names, an
 * unknown dtype, a bad shape, data of the wrong length or array type, or bad metadata.
 */
export class SafetensorsWriteError extends TinylmError {
  private readonly [writeSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('SafetensorsWriteError', options);
  }

  static override isInstance(error: unknown): error is SafetensorsWriteError {
    return hasMarker(error, writeMarker);
  }
}

const notFoundMarker = `${BASE_MARKER}.TensorNotFoundError`;
const notFoundSymbol = Symbol.for(notFoundMarker);

/** A tensor was asked for by a name that the file or checkpoint does not hold. */
export class TensorNotFoundError extends TinylmError {
  private readonly [notFoundSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('TensorNotFoundError', options);
  }

  static override isInstance(error: unknown): error is TensorNotFoundError {
    return hasMarker(error, notFoundMarker);
  }
}

const folderMarker = `${BASE_MARKER}.HfFolderError`;
const folderSymbol = Symbol.for(folderMarker);

/**
 * A Hugging Face model folder is unusable: no weights file, a bad or inconsistent
 * `model.safetensors.index.json` (missing shards, tensors absent from their shard), or a JSON
 * file that does not parse.
 */
export class HfFolderError extends TinylmError {
  private readonly [folderSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('HfFolderError', options);
  }

  static override isInstance(error: unknown): error is HfFolderError {
    return hasMarker(error, folderMarker);
  }
}

const existsMarker = `${BASE_MARKER}.OutputExistsError`;
const existsSymbol = Symbol.for(existsMarker);

/** An output file or folder already exists and the caller did not pass `force: true`. */
export class OutputExistsError extends TinylmError {
  private readonly [existsSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('OutputExistsError', options);
  }

  static override isInstance(error: unknown): error is OutputExistsError {
    return hasMarker(error, existsMarker);
  }
}

const argumentMarker = `${BASE_MARKER}.InvalidArgumentError`;
const argumentSymbol = Symbol.for(argumentMarker);

/** A function argument is out of range or malformed (a row range, a shard size string). */
export class InvalidArgumentError extends TinylmError {
  private readonly [argumentSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('InvalidArgumentError', options);
  }

  static override isInstance(error: unknown): error is InvalidArgumentError {
    return hasMarker(error, argumentMarker);
  }
}
