// The error classes of @tinylm/tokenizer-prune, one per kind of failure, each extending the one
// tinylm base, `TinylmError` from @tinylm/errors, and taking hf-io's `{ message, file?, field?, ... }`.
// `X.isInstance(e)` (inherited) still recognises an error thrown by a second copy of the package,
// where `instanceof` fails; `TinylmError.isInstance` (from any tinylm package) matches them all.
// Messages name the file, the field or line, the bad value, and what is allowed.

import { TinylmError } from '@tinylm/errors';
import type { TinylmErrorOptions } from '@tinylm/hf-io';

/**
 * A tokenizer file cannot be used: unreadable, truncated, not JSON / not a SentencePiece
 * ModelProto, or a kind this package does not support (WordPiece, Unigram tokenizer.json, an
 * unknown model type, a BPE with neither a byte-level alphabet nor byte fallback). The message
 * names the file and lists what is supported.
 */
export class TokenizerFormatError extends TinylmError {
  static override readonly kind: string = 'TokenizerFormatError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/**
 * A corpus file is unusable: missing or unreadable, a JSONL line that is not JSON or lacks the
 * text / tokens field, a token id outside the vocabulary, or no tokens at all (an empty corpus).
 * `file` names the file and `field` the line (`line 12`) where there is one.
 */
export class CorpusError extends TinylmError {
  static override readonly kind: string = 'CorpusError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/** A token count file is unreadable, truncated, not JSON, or breaks the count-file schema. */
export class CountFileError extends TinylmError {
  static override readonly kind: string = 'CountFileError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/**
 * Token counts were made with another tokenizer than the one given (their recorded hash
 * differs), so their ids mean other tokens: merging or pruning with them would be wrong.
 */
export class TokenizerMismatchError extends TinylmError {
  static override readonly kind: string = 'TokenizerMismatchError';

  constructor(options: TinylmErrorOptions) {
    super(options.message, options);
  }
}

/**
 * The requested vocabulary size cannot be met: below the tokens that must stay (special tokens,
 * byte alphabet and their BPE ancestors; the message gives that minimum) or above the size of
 * the original tokenizer.
 */
export class VocabSizeError extends TinylmError {
  static override readonly kind: string = 'VocabSizeError';
  /** The smallest size that can be asked for. */
  readonly minimum: number;
  /** The largest size that can be asked for (the original vocabulary size). */
  readonly maximum: number;

  constructor(options: TinylmErrorOptions & { minimum: number; maximum: number }) {
    super(options.message, options);
    this.minimum = options.minimum;
    this.maximum = options.maximum;
  }
}
