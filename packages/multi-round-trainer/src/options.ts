// The options schemas of multi-round-trainer's public functions (zod), checked with `parseOptions`
// at each entry: an unknown key (`sample_rate: 0.9`), a value of the wrong type or a missing
// required key (`train()` without `train`) is an OptionsError naming the key and the allowed ones.
// The model, data and tokenizer are checked loosely (their kind, never their contents). Each schema
// is held against the declared options type at compile time (`SameShape`), so the two cannot drift.
import type { SameShape } from '@tinylm/errors';
import type { LlamaModel } from '@tinylm/model';
import type { Tokenizer } from '@tinylm/tokenizer-prune';
import { z } from 'zod';
import type { LoadDataOptions, PackedData } from './data/dataset';
import type { ReadTokensOptions } from './data/token-files';
import type { EvaluateOptions } from './evaluate';
import type { LrSchedule } from './schedule';
import type { TrainEvent, TrainOptions } from './trainer';

const objectWith = (keys: readonly string[]) => (v: unknown) => typeof v === 'object' && v !== null && keys.every((k) => k in v);

const packedData = z.custom<PackedData>(
  (v) => objectWith(['ids', 'seqLen', 'sequences'])(v) && (v as PackedData).ids instanceof Uint32Array,
  'expected packed data ({ ids: Uint32Array, seqLen, sequences }) from loadPacked or splitHeldOut',
);
const tokenizer = z.custom<Tokenizer>(
  (v) => objectWith(['encode', 'decode'])(v),
  'expected a Tokenizer (loadTokenizer from @tinylm/tokenizer-prune)',
);

export const readTokensOptions = z.strictObject({ tokenizer: tokenizer.optional(), binDtype: z.enum(['uint16', 'uint32']).optional() });
true satisfies SameShape<z.input<typeof readTokensOptions>, ReadTokensOptions>;

export const loadDataOptions = z.strictObject({ ...readTokensOptions.shape, seqLen: z.number(), vocabSize: z.number() });
true satisfies SameShape<z.input<typeof loadDataOptions>, LoadDataOptions>;

export const trainOptions = z.strictObject({
  model: z.custom<LlamaModel>((v) => objectWith(['config', 'params'])(v), 'expected a LlamaModel (@tinylm/model)'),
  train: packedData,
  val: packedData.optional(),
  outDir: z.string(),
  batchSize: z.number(),
  gradAccum: z.number().optional(),
  steps: z.number().optional(),
  refinedSteps: z.number().optional(),
  lr: z.number().optional(),
  minLr: z.number().optional(),
  warmupRatio: z.number().optional(),
  beta1: z.number().optional(),
  beta2: z.number().optional(),
  eps: z.number().optional(),
  weightDecay: z.number().optional(),
  clip: z.number().optional(),
  evalEvery: z.number().optional(),
  evalSequences: z.number().optional(),
  checkpointEvery: z.number().optional(),
  keep: z.number().optional(),
  rounds: z.number().optional(),
  sampleRate: z.number().optional(),
  temperature: z.number().optional(),
  granularity: z.enum(['batch', 'sample']).optional(),
  scoreChunk: z.number().optional(),
  finalScores: z.boolean().optional(),
  seed: z.number().optional(),
  resume: z.boolean().optional(),
  tokenizer: tokenizer.optional(),
  onEvent: z.custom<(event: TrainEvent) => void>((v) => typeof v === 'function', 'expected a function').optional(),
  webgpuStep: z.enum(['compiled', 'tfjs']).optional(),
});
true satisfies SameShape<z.input<typeof trainOptions>, TrainOptions>;

export const evaluateOptions = z.strictObject({
  maxSequences: z.number().optional(),
  chunk: z.number().optional(),
  tokenizer: tokenizer.optional(),
  bytesPerToken: z.number().nullable().optional(),
});
true satisfies SameShape<z.input<typeof evaluateOptions>, EvaluateOptions>;

export const lrSchedule = z.strictObject({ lr: z.number(), minLr: z.number(), warmupRatio: z.number(), totalSteps: z.number() });
true satisfies SameShape<z.input<typeof lrSchedule>, LrSchedule>;
