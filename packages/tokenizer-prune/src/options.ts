// The options schemas of tokenizer-prune's public functions (zod), checked with `parseOptions` at
// each entry: an unknown key (`sample_rate`), a value of the wrong type (`vocabSize: '2000'`) or a
// missing required key is an OptionsError naming the key and the allowed ones. Range checks with
// their own messages stay in the functions. Each schema is held against the declared options
// type at compile time (`SameShape`), so the two cannot drift.
import type { SameShape } from '@tinylm/errors';
import { z } from 'zod';
import type { TokenCounts } from './count-file';
import type { CountProgress, CountTokensOptions } from './count-tokens';
import type { ParamShareModel } from './param-share';
import type { PruneTokenizerOptions } from './prune-tokenizer';
import type { DecodeOptions } from './tokenizer';

const callback = <F>() => z.custom<F>((v) => typeof v === 'function', 'expected a function');

export const paramShareModel = z.strictObject({
  hiddenSize: z.number(),
  layers: z.number().optional(),
  intermediateSize: z.number().optional(),
  numHeads: z.number().optional(),
  numKvHeads: z.number().optional(),
  nonEmbeddingParams: z.number().optional(),
  tiedEmbeddings: z.boolean().optional(),
});
true satisfies SameShape<z.input<typeof paramShareModel>, ParamShareModel>;

export const pruneTokenizerOptions = z.strictObject({
  tokenizer: z.string(),
  // A counts file's path, or counts in memory (checked in full by validateTokenCounts).
  counts: z.union([
    z.string(),
    z.custom<TokenCounts>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected a counts object'),
  ]),
  vocabSize: z.number(),
  out: z.string(),
  force: z.boolean().optional(),
  heldOut: z.array(z.string()).readonly().optional(),
  heldOutFormat: z.enum(['auto', 'text', 'jsonl']).optional(),
  heldOutTextField: z.string().optional(),
  dropAddedTokens: z.union([z.literal('unused'), z.instanceof(RegExp)]).optional(),
  model: paramShareModel.optional(),
  authorsRule: z.boolean().optional(),
  onStep: callback<(step: string) => void>().optional(),
});
true satisfies SameShape<z.input<typeof pruneTokenizerOptions>, PruneTokenizerOptions>;

export const countTokensOptions = z.strictObject({
  tokenizer: z.string(),
  inputs: z.array(z.string()).readonly(),
  format: z.enum(['text', 'jsonl', 'tokens', 'auto']).optional(),
  textField: z.string().optional(),
  tokensField: z.string().optional(),
  workers: z.number().optional(),
  batchBytes: z.number().optional(),
  out: z.string().optional(),
  onProgress: callback<(progress: CountProgress) => void>().optional(),
  progressIntervalMs: z.number().optional(),
});
true satisfies SameShape<z.input<typeof countTokensOptions>, CountTokensOptions>;

export const decodeOptions = z.strictObject({ skipSpecialTokens: z.boolean().optional() });
true satisfies SameShape<z.input<typeof decodeOptions>, DecodeOptions>;
