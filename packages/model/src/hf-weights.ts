// Loading and saving LlamaModel as a Hugging Face folder (config.json for LlamaForCausalLM,
// model.safetensors or shards + index, generation_config.json, tokenizer files copied through),
// via @tinylm/hf-io. Tensor names and layouts are transformers' own (param-names.ts); weights are
// read as F32, F16 or BF16 and held as float32.
import * as tf from '@tensorflow/tfjs-core';
import { fromHfConfig, type LlamaConfig, toHfConfig } from '@tinylm/arch-config';
import {
  type FloatDtypeName,
  HfFolderError,
  readHfFolder,
  SAFETENSORS_FLOAT_DTYPES,
  type TensorSource,
  writeHfFolder,
  type WrittenHfFolder,
} from '@tinylm/hf-io';
import { LlamaModel } from './model';
import { EMBED, LM_HEAD, paramSpecs } from './param-names';
import { parseOptions } from '@tinylm/errors';
import { saveOptions } from './options';

/** A weights dtype for saveHfModel, in either spelling: `float16` or `f16`, and so on. */
export type SaveDtype = FloatDtypeName;

export interface SaveOptions {
  /** dtype of the stored weights; default float32 (F16 / BF16 round to nearest even). */
  dtype?: SaveDtype;
  /** Shard above this size, e.g. "2GB" (default 5GB, as transformers). */
  maxShardSize?: string | number;
  /** Copy tokenizer files (tokenizer.json, tokenizer_config.json, tokenizer.model, ...) from here. */
  tokenizerDir?: string;
  /** Replace an existing folder. */
  force?: boolean;
  /** Extra generation_config.json fields. */
  generationConfig?: Record<string, unknown>;
}

/** Writes `model` as a Hugging Face folder at `dir`, atomically. */
export async function saveHfModel(model: LlamaModel, dir: string, options: SaveOptions = {}): Promise<WrittenHfFolder> {
  const opts = parseOptions(saveOptions, options, 'saveHfModel');
  const dtype = opts.dtype ?? 'float32';
  const c = model.config;
  const tensors: TensorSource[] = paramSpecs(c).map((spec) => ({
    name: spec.name,
    dtype: SAFETENSORS_FLOAT_DTYPES[dtype],
    shape: spec.shape,
    data: async () => (await model.params.get(spec.name)!.data()) as Float32Array,
  }));
  const ids = { bos_token_id: c.bosTokenId, eos_token_id: c.eosTokenId, pad_token_id: c.padTokenId };
  return writeHfFolder(dir, {
    tensors,
    config: toHfConfig(c, { torchDtype: dtype }),
    generationConfig: { _from_model_config: true, ...ids, ...opts.generationConfig },
    copyTokenizerFrom: opts.tokenizerDir,
    maxShardSize: opts.maxShardSize,
    force: opts.force,
  });
}

/** Reads a Hugging Face LLaMA-family folder into a LlamaModel (weights as float32). */
export async function loadHfModel(dir: string): Promise<LlamaModel> {
  const folder = await readHfFolder(dir);
  try {
    if (folder.config === undefined) {
      throw new HfFolderError({ message: `${dir}: no config.json (a Hugging Face LLaMA folder needs one)`, file: dir });
    }
    const config: LlamaConfig = fromHfConfig(folder.config, `${dir}/config.json`);
    const params = new Map<string, tf.Variable>();
    try {
      for (const spec of paramSpecs(config)) {
        // tied embeddings: transformers writes no lm_head; some exporters write a copy
        const source = spec.name === LM_HEAD && !folder.checkpoint.has(LM_HEAD) ? EMBED : spec.name;
        if (!folder.checkpoint.has(source)) {
          throw new HfFolderError({ message: `${dir}: tensor ${source} is missing (config.json needs it)`, file: dir });
        }
        const info = folder.checkpoint.info(source);
        if (info.shape.join() !== spec.shape.join()) {
          throw new HfFolderError({
            message: `${dir}: tensor ${source} has shape [${info.shape}], config.json implies [${spec.shape}]`,
            file: dir,
          });
        }
        const data = await folder.checkpoint.readTensorAsFloat32(source);
        params.set(spec.name, tf.variable(tf.tensor(data, spec.shape, 'float32'), true, `${spec.name}#${dir}#${Math.random()}`));
      }
    } catch (e) {
      for (const p of params.values()) p.dispose();
      throw e;
    }
    return new LlamaModel(config, params);
  } finally {
    await folder.close();
  }
}
