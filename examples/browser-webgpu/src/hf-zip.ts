// The model as a Hugging Face LLaMA folder in a zip, built and read in memory (no Node modules):
// config.json (LlamaForCausalLM, from arch-config), generation_config.json, model.safetensors
// (hf-io's browser-safe `bytes` entry, transformers' tensor names from @tinylm/model), and a
// byte-level tokenizer.json. The same files `saveHfModel` writes in Node, so the unzipped folder
// loads with `loadHfModel` or transformers' LlamaForCausalLM.from_pretrained.
import * as tf from '@tensorflow/tfjs-core';
import { fromHfConfig, toHfConfig } from '@tinylm/arch-config';
import {
  HfFolderError,
  parseSafetensors,
  parseSafetensorsIndex,
  type SafetensorsBuffer,
  serializeSafetensors,
  stringifyJson,
} from '@tinylm/hf-io/bytes';
import { EMBED, LlamaModel, LM_HEAD, paramSpecs } from '@tinylm/model';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { byteTokenizerConfig, byteTokenizerJson } from './byte-tokenizer';

const json = (value: unknown) => strToU8(stringifyJson(value)); // 2-space indent + newline, as transformers

/** Zips `model` as `<folder>/config.json`, `<folder>/model.safetensors`, ... (float32 weights). */
export async function modelToHfZip(model: LlamaModel, folder: string): Promise<Uint8Array> {
  const c = model.config;
  const weights = await serializeSafetensors(
    paramSpecs(c).map((spec) => ({
      name: spec.name,
      dtype: 'F32' as const,
      shape: spec.shape,
      data: async () => (await model.params.get(spec.name)!.data()) as Float32Array,
    })),
  );
  const ids = { bos_token_id: c.bosTokenId, eos_token_id: c.eosTokenId, pad_token_id: c.padTokenId };
  const files: Record<string, Uint8Array> = {
    'config.json': json(toHfConfig(c, { torchDtype: 'float32' })),
    'generation_config.json': json(
      Object.fromEntries(Object.entries({ _from_model_config: true, ...ids }).filter(([, v]) => v !== undefined)),
    ),
    'model.safetensors': weights,
    'tokenizer.json': json(byteTokenizerJson()),
    'tokenizer_config.json': json(byteTokenizerConfig(c.maxPositionEmbeddings)),
  };
  // safetensors is already dense float data: store it, deflate the small JSON files
  return zipSync(
    Object.fromEntries(
      Object.entries(files).map(([name, data]) => [`${folder}/${name}`, [data, { level: name.endsWith('.safetensors') ? 0 : 6 }]]),
    ),
  );
}

let loads = 0;

/** Reads a zipped Hugging Face LLaMA folder (single file or shards + index; F32/F16/BF16). */
export function modelFromHfZip(zip: Uint8Array, name = 'model.zip'): LlamaModel {
  const entries = unzipSync(zip);
  const configPath = Object.keys(entries)
    .filter((p) => p === 'config.json' || p.endsWith('/config.json'))
    .sort((a, b) => a.length - b.length)[0];
  if (configPath === undefined) throw new HfFolderError({ message: `${name}: no config.json in the zip`, file: name });
  const dir = configPath.slice(0, -'config.json'.length);
  const file = (n: string) => entries[dir + n];
  const config = fromHfConfig(JSON.parse(strFromU8(entries[configPath])), `${name}:${configPath}`);

  // tensor name -> the safetensors file holding it
  const buffers = new Map<string, SafetensorsBuffer>();
  const open = (n: string) => {
    if (!buffers.has(n)) {
      const bytes = file(n);
      if (!bytes) throw new HfFolderError({ message: `${name}: ${dir}${n} is missing`, file: name });
      buffers.set(n, parseSafetensors(bytes, { file: `${name}:${dir}${n}` }));
    }
    return buffers.get(n)!;
  };
  const indexBytes = file('model.safetensors.index.json');
  const shardOf: (tensor: string) => string | undefined = indexBytes
    ? (
        (index) => (t: string) =>
          index.weight_map[t]
      )(parseSafetensorsIndex(JSON.parse(strFromU8(indexBytes)), `${name}:${dir}model.safetensors.index.json`))
    : (t: string) => (open('model.safetensors').has(t) ? 'model.safetensors' : undefined);

  loads += 1;
  const params = new Map<string, tf.Variable>();
  try {
    for (const spec of paramSpecs(config)) {
      // tied embeddings: transformers writes no lm_head
      const source = spec.name === LM_HEAD && shardOf(LM_HEAD) === undefined ? EMBED : spec.name;
      const shard = shardOf(source);
      if (shard === undefined)
        throw new HfFolderError({ message: `${name}: tensor ${source} is missing (config.json needs it)`, file: name });
      const buffer = open(shard);
      const info = buffer.info(source);
      if (info.shape.join() !== spec.shape.join()) {
        throw new HfFolderError({
          message: `${name}: tensor ${source} has shape [${info.shape}], config.json implies [${spec.shape}]`,
          file: name,
        });
      }
      const value = tf.tensor(buffer.readTensorAsFloat32(source), spec.shape, 'float32');
      params.set(spec.name, tf.variable(value, true, `${spec.name}#zip${loads}`));
      value.dispose();
    }
  } catch (e) {
    for (const p of params.values()) p.dispose();
    throw e;
  }
  return new LlamaModel(config, params);
}
