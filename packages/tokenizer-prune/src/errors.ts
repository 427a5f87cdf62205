// The error classes of @tinylm/tokenizer-prune, one per kind of failure.
// They extend hf-io's `TinylmError` and follow its pattern (vercel/ai's `AISDKError`): each class
// carries a `Symbol.for('tinylm.error.<Name>')` marker, so `X.isInstance(e)` still recognises an
// error thrown by a second copy of the package, where `instanceof` fails; the shared
// `tinylm.error` marker makes `TinylmError.isInstance` (from any tinylm package) match them all.
// Messages name the file, the field or line, the bad value, and what is allowed.

import { TinylmError, type TinylmErrorOptions } from '@tinylm/hf-io';

function hasMarker(error: unknown, marker: string): boolean {
  const symbol = Symbol.for(marker);
  return (
    error != null && typeof error === 'object' && symbol in error && (error as Record<symbol, unknown>)[symbol] === true
  );
}

const formatMarker = 'tinylm.error.TokenizerFormatError';
const formatSymbol = Symbol.for(formatMarker);

/**
 * A tokenizer file cannot be used: unreadable, truncated, not JSON / not a SentencePiece
 * ModelProto, or a kind this package does not support (WordPiece, Unigram tokenizer.json, an
 * unknown model type, a BPE with neither a byte-level alphabet nor byte fallback). The message
 * names the file and lists what is supported.
 */
export class TokenizerFormatError extends TinylmError {
  private readonly [formatSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('TokenizerFormatError', options);
  }

  static override isInstance(error: unknown): error is TokenizerFormatError {
    return hasMarker(error, formatMarker);
  }
}

const corpusMarker = 'tinylm.error.CorpusError';
const corpusSymbol = Symbol.for(corpusMarker);

/**
 * A corpus file is unusable: missing or unreadable, a JSONL line that is not JSON or lacks the
 * text / tokens field, a token id outside the vocabulary, or no tokens at all (an empty corpus).
 * `file` names the file and `field` the line (`line 12`) where there is one.
 */
export class CorpusError extends TinylmError {
  private readonly [corpusSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('CorpusError', options);
  }

  static override isInstance(error: unknown): error is CorpusError {
    return hasMarker(error, corpusMarker);
  }
}

const countFileMarker = 'tinylm.error.CountFileError';
const countFileSymbol = Symbol.for(countFileMarker);

/** A token count file is unreadable, truncated, not JSON, or breaks the count-file schema. */
export class CountFileError extends TinylmError {
  private readonly [countFileSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('CountFileError', options);
  }

  static override isInstance(error: unknown): error is CountFileError {
    return hasMarker(error, countFileMarker);
  }
}

const mismatchMarker = 'tinylm.error.TokenizerMismatchError';
const mismatchSymbol = Symbol.for(mismatchMarker);

/**
 * Token counts were made with another tokenizer than the one given (their recorded hash
 * differs), so their ids mean other tokens: merging or pruning with them would be wrong.
 */
export class TokenizerMismatchError extends TinylmError {
  private readonly [mismatchSymbol] = true;

  constructor(options: TinylmErrorOptions) {
    super('TokenizerMismatchError', options);
  }

  static override isInstance(error: unknown): error is TokenizerMismatchError {
    return hasMarker(error, mismatchMarker);
  }
}

const vocabSizeMarker = 'tinylm.error.VocabSizeError';
const vocabSizeSymbol = Symbol.for(vocabSizeMarker);

/**
 * The requested vocabulary size cannot be met: below the tokens that must stay (special tokens,
 * byte alphabet and their BPE ancestors; the message gives that minimum) or above the size of
 * the original tokenizer.
 */
export class VocabSizeError extends TinylmError {
  private readonly [vocabSizeSymbol] = true;
  /** The smallest size that can be asked for. */
  readonly minimum: number;
  /** The largest size that can be asked for (the original vocabulary size). */
  readonly maximum: number;

  constructor(options: TinylmErrorOptions & { minimum: number; maximum: number }) {
    super('VocabSizeError', options);
    this.minimum = options.minimum;
    this.maximum = options.maximum;
  }

  static override isInstance(error: unknown): error is VocabSizeError {
    return hasMarker(error, vocabSizeMarker);
  }
}
