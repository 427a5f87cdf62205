// The options schemas of param-inherit's public functions (zod), checked with `parseOptions` at
// each entry: an unknown key, a value of the wrong type or a missing required key is an
// OptionsError naming the key and the allowed ones. The criteria keep their own checks (with the
// lists of criteria) in inheritParams; the target config and vocab map are checked loosely here
// and in full by checkTarget / parseVocabMap. `dtype` takes both spellings (`float16` / `f16`).
// Each schema is held against the declared options type at compile time (`SameShape`).
import type { LlamaConfig, LlamaConfigInput } from '@tinylm/arch-config';
import type { SameShape } from '@tinylm/errors';
import { floatDtypeOption } from '@tinylm/hf-io';
import { z } from 'zod';
import type { CalibrationOptions } from './calibration';
import type { InheritOptions, InheritProgress, WidthCriterion } from './inherit';
import type { LearnedMaskOptions, MaskStep } from './learned-masks';
import type { LayerCriterion } from './select-layers';
import type { VocabMap } from './vocab-map';

const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
const callback = <F>() => z.custom<F>((v) => typeof v === 'function', 'expected a function');

export const calibrationOptions = z.strictObject({
  files: z.array(z.string()).readonly().optional(),
  tokens: z.custom<readonly ArrayLike<number>[]>((v) => Array.isArray(v), 'expected an array of token id arrays').optional(),
  tokenizer: z.string().optional(),
  tokenDtype: z.enum(['uint16', 'uint32']).optional(),
  seqLen: z.number().optional(),
  samples: z.number().optional(),
  batchSize: z.number().optional(),
});
true satisfies SameShape<z.input<typeof calibrationOptions>, CalibrationOptions>;

export const learnedMaskOptions = z.strictObject({
  steps: z.number().optional(),
  maskLr: z.number().optional(),
  lambdaLr: z.number().optional(),
  trainWeights: z.boolean().optional(),
  weightLr: z.number().optional(),
  droprateInit: z.number().optional(),
  warmup: z.number().optional(),
  seed: z.number().optional(),
  onStep: callback<(step: MaskStep) => void>().optional(),
});
true satisfies SameShape<z.input<typeof learnedMaskOptions>, LearnedMaskOptions>;

export const inheritOptions = z.strictObject({
  from: z.string(),
  to: z.custom<LlamaConfig | LlamaConfigInput>(isObject, 'expected a target config object (LlamaConfigInput)'),
  out: z.string(),
  vocabMap: z
    .union([z.string(), z.custom<VocabMap>(isObject, 'expected a vocab map (parseVocabMap) or the path of vocab-map.json')])
    .optional(),
  layers: z.custom<LayerCriterion>((v) => typeof v === 'string', 'expected a depth criterion name').optional(),
  keepFirst: z.number().optional(),
  width: z.custom<WidthCriterion>((v) => typeof v === 'string', 'expected a width criterion name').optional(),
  calibration: calibrationOptions.optional(),
  learned: learnedMaskOptions.optional(),
  dtype: floatDtypeOption().optional(),
  tokenizerDir: z.string().optional(),
  maxShardSize: z.union([z.string(), z.number()]).optional(),
  force: z.boolean().optional(),
  backend: z.string().optional(),
  onProgress: callback<(p: InheritProgress) => void>().optional(),
});
true satisfies SameShape<z.input<typeof inheritOptions>, InheritOptions>;
