// The options schemas of @tinylm/model's public functions (zod), checked with `parseOptions` at
// each entry: an unknown key, a value of the wrong type or a missing required key is an
// OptionsError naming the key and the allowed ones. Range checks with their own messages stay in
// the functions. `dtype` takes both spellings (`float16` / `f16`, one vocabulary from
// @tinylm/hf-io). Each schema is held against the declared options type at compile time.
// (zod/mini would be smaller in a bundle, but parseOptions cannot list the allowed keys of its
// nested schemas and its messages need a global locale; full zod it is.)
import type { SameShape } from '@tinylm/errors';
import { floatDtypeOption } from '@tinylm/hf-io/bytes';
import { z } from 'zod';
import type { BenchTrainOptions } from './bench';
import type { GenerateOptions } from './generate';
import type { SaveOptions } from './hf-weights';
import type { InitOptions } from './init';
import type { SamplingOptions } from './sampling';
import type { TrainStepOptions } from './train-step';
import type { CompiledStepOptions } from './webgpu-step/compiled-step';

export const initOptions = z.strictObject({
  seed: z.number().optional(),
  scheme: z.enum(['normal', 'scaled']).optional(),
  std: z.number().optional(),
});
true satisfies SameShape<z.input<typeof initOptions>, InitOptions>;

export const samplingOptions = z.strictObject({
  greedy: z.boolean().optional(),
  temperature: z.number().optional(),
  topK: z.number().optional(),
  topP: z.number().optional(),
  seed: z.number().optional(),
});
true satisfies SameShape<z.input<typeof samplingOptions>, SamplingOptions>;

export const generateOptions = z.strictObject({
  ...samplingOptions.shape,
  maxNewTokens: z.number(),
  stopIds: z.array(z.number()).optional(),
  returnLogits: z.boolean().optional(),
  onToken: z.custom<(id: number) => void>((v) => typeof v === 'function', 'expected a function').optional(),
});
true satisfies SameShape<z.input<typeof generateOptions>, GenerateOptions>;

export const trainStepOptions = z.strictObject({ clip: z.number().optional(), lr: z.number().optional() });
true satisfies SameShape<z.input<typeof trainStepOptions>, TrainStepOptions>;

export const benchTrainOptions = z.strictObject({
  batch: z.number(),
  seq: z.number(),
  steps: z.number(),
  warmup: z.number().optional(),
  maxSeconds: z.number().optional(),
  seed: z.number().optional(),
  webgpuStep: z.enum(['compiled', 'tfjs']).optional(),
});
true satisfies SameShape<z.input<typeof benchTrainOptions>, BenchTrainOptions>;

export const saveOptions = z.strictObject({
  dtype: floatDtypeOption().optional(),
  maxShardSize: z.union([z.string(), z.number()]).optional(),
  tokenizerDir: z.string().optional(),
  force: z.boolean().optional(),
  generationConfig: z.record(z.string(), z.unknown()).optional(),
});
true satisfies SameShape<z.input<typeof saveOptions>, SaveOptions>;

export const compiledStepOptions = z.strictObject({
  batch: z.number(),
  seq: z.number(),
  microBatches: z.number().optional(),
  clip: z.number().optional(),
});
true satisfies SameShape<z.input<typeof compiledStepOptions>, CompiledStepOptions>;
