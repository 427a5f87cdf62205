// `@tinylm/tokenizer-prune`: the compact tokenizer of "Rethinking Optimization and Architecture
// for Tiny Language Models" (docs/method.md section 1). Count a big tokenizer's tokens over a corpus,
// keep the special tokens, the byte alphabet and the most frequent tokens (with the BPE merges
// they need), and write a consistent tokenizer.json / SentencePiece .model, an old -> new id
// map and a report. Also the small runtime `Tokenizer` other tinylm packages encode with.

export {
  countTokens,
  type CountProgress,
  type CountTokensOptions,
} from './count-tokens';
export { corpusFormatOf } from './corpus-records';
export {
  arrayToCounts,
  assertSameTokenizer,
  type CorpusFormat,
  type CountSource,
  countsToArray,
  mergeTokenCounts,
  parseTokenCounts,
  readTokenCounts,
  type TokenCounts,
  validateTokenCounts,
  writeTokenCounts,
} from './count-file';
export { CorpusError, CountFileError, TokenizerFormatError, TokenizerMismatchError, VocabSizeError } from './errors';
// The hf-io errors this package also throws (an existing output folder, a bad argument), so
// callers can check them without importing hf-io themselves.
export { InvalidArgumentError, OutputExistsError, TinylmError } from '@tinylm/hf-io';
export {
  embeddingShare,
  llamaIntermediateSize,
  nonEmbeddingParams,
  type ParamShare,
  type ParamShareModel,
  vocabParamShare,
} from './param-share';
export {
  type DropAddedTokens,
  type HeldOutReport,
  pruneTokenizer,
  type PruneReport,
  type PruneResult,
  type PruneTokenizerOptions,
} from './prune-tokenizer';
export { isAuthorsSpecial, type MandatoryReason, type SelectionStats } from './select-vocab';
// The SentencePiece .model reader and writer, whose home is @tinylm/hf-io (re-exported for existing callers).
export {
  bytePieceName,
  parseSentencePieceModel,
  PieceType,
  type PieceTypeValue,
  rewriteSentencePieceModel,
  type SentencePiece,
  type SentencePieceModel,
  type SentencePieceModelType,
  type SentencePieceRewrite,
} from '@tinylm/hf-io';
export { SentencePieceEncoder } from './sentencepiece-encoder';
export { type DecodeOptions, loadTokenizer, type Tokenizer, type TokenizerKind } from './tokenizer';
export { readTokenizerSource, resolveTokenizerPath, tokenizerKindOf, type TokenizerSource } from './tokenizer-source';
export { SUPPORTED_TOKENIZERS } from './hf-tokenizer-json';
