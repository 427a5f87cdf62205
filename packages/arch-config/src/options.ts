// The options schemas of arch-config's public functions (zod), checked with `parseOptions` at each
// entry: an unknown key, a value of the wrong type or a missing required key is an OptionsError
// naming the key and the allowed ones. Range checks with their own messages stay in the functions.
// Each schema is held against the function's declared options type at compile time (`SameShape`).
import type { SameShape } from '@tinylm/errors';
import { floatDtypeOption } from '@tinylm/hf-io/bytes';
import { z } from 'zod';
import type { HfConfigOptions } from './hf-config';
import type { InternEvoConfigOptions } from './internevo-config';
import type { LatencyModel } from './latency';
import type { InferenceMemoryOptions, TrainingMemoryOptions } from './memory';
import type { ArchReportOptions } from './report';
import type { SearchOptions } from './search';

const numbers = z.array(z.number()).readonly();
const dtype = floatDtypeOption().optional();
const latencyModel = z
  .strictObject({
    bytesPerParam: z.number(),
    memoryBandwidth: z.number(),
    peakFlops: z.number(),
    perLayerOverhead: z.number(),
    contextLength: z.number(),
  })
  .partial()
  .optional();
true satisfies SameShape<NonNullable<z.input<typeof latencyModel>>, Partial<LatencyModel>>;

export const flopsOptions = z.strictObject({ seqLen: z.number().optional() });

export const trainingMemoryOptions = z.strictObject({
  batch: z.number(),
  seqLen: z.number(),
  dtype,
  flashAttention: z.boolean().optional(),
});
true satisfies SameShape<z.input<typeof trainingMemoryOptions>, TrainingMemoryOptions>;

export const inferenceMemoryOptions = z.strictObject({ batch: z.number(), seqLen: z.number(), dtype, kvDtype: dtype });
true satisfies SameShape<z.input<typeof inferenceMemoryOptions>, InferenceMemoryOptions>;

export const archReportOptions = z.strictObject({
  seqLen: z.number().optional(),
  batch: z.number().optional(),
  dtype,
  flashAttention: z.boolean().optional(),
  latencyModel,
  name: z.string().optional(),
});
true satisfies SameShape<z.input<typeof archReportOptions>, ArchReportOptions>;

export const hfConfigOptions = z.strictObject({ torchDtype: dtype, transformersVersion: z.string().optional() });
true satisfies SameShape<z.input<typeof hfConfigOptions>, HfConfigOptions>;

const optionalInt = z.number().optional();
export const internEvoConfigOptions = z.strictObject({
  jobName: z.string().optional(),
  seqLen: optionalInt,
  microNum: optionalInt,
  microBsz: optionalInt,
  totalSteps: optionalInt,
  lr: z.number().optional(),
  minLr: z.number().optional(),
  warmupRatio: z.number().optional(),
  weightDecay: z.number().optional(),
  clipGradNorm: z.number().optional(),
  dtype: z.enum(['torch.bfloat16', 'torch.float16', 'torch.float32']).optional(),
  modelOnlyFolder: z.string().optional(),
  ckptType: z.enum(['hf_llama', 'internlm', 'llama']).optional(),
  saveCkptFolder: z.string().optional(),
  checkpointEvery: optionalInt,
  trainFolder: z.string().optional(),
  validFolder: z.string().optional(),
  validEvery: optionalInt,
  zero1Size: optionalInt,
  mlpRatio: z.number().optional(),
});
true satisfies SameShape<z.input<typeof internEvoConfigOptions>, InternEvoConfigOptions>;

export const searchOptions = z.strictObject({
  params: z.number(),
  vocabSize: z.number(),
  tolerance: z.number().optional(),
  headSizes: numbers.optional(),
  widthMultiple: z.number().optional(),
  mlpRatios: numbers.optional(),
  multipleOf: z.number().optional(),
  kvGroups: numbers.optional(),
  minLayers: z.number().optional(),
  maxLayers: z.number().optional(),
  minHidden: z.number().optional(),
  maxHidden: z.number().optional(),
  minAspectRatio: z.number().optional(),
  maxAspectRatio: z.number().optional(),
  tieWordEmbeddings: z.boolean().optional(),
  seqLen: z.number().optional(),
  maxLatencyMs: z.number().optional(),
  latencyModel,
  limit: z.number().optional(),
  base: z
    .strictObject({
      ropeTheta: z.number().optional(),
      rmsNormEps: z.number().optional(),
      maxPositionEmbeddings: z.number().optional(),
      initStd: z.number().optional(),
      bosTokenId: z.number().optional(),
      eosTokenId: z.union([z.number(), numbers]).optional(),
      padTokenId: z.number().optional(),
    })
    .optional(),
});
true satisfies SameShape<z.input<typeof searchOptions>, SearchOptions>;
