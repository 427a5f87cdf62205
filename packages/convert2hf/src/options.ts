// The options schemas of convert2hf's public functions (zod), checked with `parseOptions` at each
// entry: an unknown key, a value of the wrong type or a missing required key is an OptionsError
// naming the key and the allowed ones. Dtypes take both spellings (`float16` / `f16`, one
// vocabulary from @tinylm/hf-io). Each schema is held against the declared options type at
// compile time (`SameShape`), so the two cannot drift.
import type { SameShape } from '@tinylm/errors';
import { floatDtypeOption } from '@tinylm/hf-io';
import { z } from 'zod';
import type { Convert2HfOptions } from './convert';
import type { ExportGgufOptions } from './gguf-export';
import type { GgufVocabOptions } from './gguf-tokenizer';
import type { GgufTensor, GgufValue, WriteGgufOptions } from './gguf-writer';
import type { WriteHfModelOptions } from './hf-export';
import type { InternEvoModelConfig } from './internevo-config';
import type { InternEvoOptions } from './internevo-checkpoint';
import type { GlobalHandler, PickleValue } from './pickle';
import type { LoadTorchFileOptions } from './torch-checkpoint';

const globals = z.record(
  z.string(),
  z.custom<GlobalHandler>((v) => typeof v === 'object' && v !== null, 'expected a global handler object'),
);

/** A tensor's element count as a multiple of its storage's (`maxTensorExpansion`): finite, at least 1. */
const tensorExpansion = z.number().min(1).refine(Number.isFinite, 'expected a finite number');

export const exportGgufOptions = z.strictObject({
  src: z.string(),
  out: z.string(),
  dtype: floatDtypeOption(['float32', 'float16']).optional(),
  tokenizer: z.string().optional(),
  pre: z.string().optional(),
  name: z.string().optional(),
  force: z.boolean().optional(),
});
true satisfies SameShape<z.input<typeof exportGgufOptions>, ExportGgufOptions>;

export const writeHfModelOptions = z.strictObject({
  dtype: floatDtypeOption().optional(),
  maxShardSize: z.union([z.string(), z.number()]).optional(),
  tokenizer: z.string().optional(),
  allowMissingTokenizer: z.boolean().optional(),
  force: z.boolean().optional(),
});
true satisfies SameShape<z.input<typeof writeHfModelOptions>, WriteHfModelOptions>;

export const internEvoOptions = z.strictObject({
  // The model config is checked field by field where it is read (readInternEvoModelConfig).
  modelConfig: z
    .custom<InternEvoModelConfig>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'expected an object (the model dict of an InternEvo config)',
    )
    .optional(),
  modelType: z.enum(['LLAMA2', 'INTERNLM', 'INTERNLM2']).optional(),
  rotary: z.enum(['interleaved', 'half']).optional(),
  qkInterleaved: z.boolean().optional(),
  w2: z.enum(['up', 'down']).optional(),
  maxPositionEmbeddings: z.number().optional(),
  maxTensorExpansion: tensorExpansion.optional(),
});
true satisfies SameShape<z.input<typeof internEvoOptions>, InternEvoOptions>;

export const convert2hfOptions = z.strictObject({
  ...writeHfModelOptions.shape,
  src: z.string(),
  out: z.string(),
  from: z.enum(['tinylm', 'internevo']).optional(),
  internevo: internEvoOptions.optional(),
});
true satisfies SameShape<z.input<typeof convert2hfOptions>, Convert2HfOptions>;

export const ggufVocabOptions = z.strictObject({ pre: z.string().optional() });
true satisfies SameShape<z.input<typeof ggufVocabOptions>, GgufVocabOptions>;

export const writeGgufOptions = z.strictObject({
  metadata: z.custom<WriteGgufOptions['metadata']>((v) => Array.isArray(v), 'expected an array of [key, value] pairs'),
  tensors: z.custom<readonly GgufTensor[]>((v) => Array.isArray(v), 'expected an array of tensors'),
  alignment: z.number().optional(),
  force: z.boolean().optional(),
});
true satisfies SameShape<z.input<typeof writeGgufOptions>, WriteGgufOptions>;
true satisfies SameShape<WriteGgufOptions['metadata'][number][1], GgufValue>;

export const loadTorchFileOptions = z.strictObject({ extraGlobals: globals.optional(), maxTensorExpansion: tensorExpansion.optional() });
true satisfies SameShape<z.input<typeof loadTorchFileOptions>, LoadTorchFileOptions>;

export const stateDictOptions = z.strictObject({ skipNonTensors: z.boolean().optional() });

export const unpickleOptions = z.strictObject({
  globals,
  persistentLoad: z.custom<(pid: PickleValue) => PickleValue>((v) => typeof v === 'function', 'expected a function').optional(),
  source: z.string().optional(),
});
