// Writing a model being converted as a complete Hugging Face LLaMA folder, the layout transformers'
// save_pretrained writes: config.json (LlamaForCausalLM, torch_dtype, bos/eos/pad ids from the
// tokenizer), generation_config.json, model.safetensors or shards + model.safetensors.index.json
// above a size threshold, and the tokenizer files (tokenizer.json, tokenizer_config.json,
// special_tokens_map.json, tokenizer.model for SentencePiece). Built on hf-io's writeHfFolder, so
// the folder is written under a temporary name and renamed at the end: it appears complete or
// not at all. The tokenizer is checked against the embedding first: the embedding may have more
// rows than the tokenizer has ids (padding, e.g. to a multiple of 64), never fewer.

import { readFile } from 'node:fs/promises';
import { type LlamaConfig, toHfConfig } from '@tinylm/arch-config';
import {
  type Dtype,
  type FloatDtype,
  type FloatDtypeName,
  SAFETENSORS_FLOAT_DTYPES,
  type TensorSource,
  type WrittenHfFolder,
  writeHfFolder,
} from '@tinylm/hf-io';
import { SourceCheckpointError } from './errors';
import type { ModelSource } from './model-source';
import { readTokenizer, type TokenizerInfo } from './tokenizer-files';
import { parseOptions } from '@tinylm/errors';
import { writeHfModelOptions } from './options';

/** Output dtypes, by their torch_dtype names. */
export type OutputDtype = FloatDtype;

/** torch_dtype -> safetensors dtype. */
export const OUTPUT_DTYPES: Readonly<Record<OutputDtype, Dtype>> = SAFETENSORS_FLOAT_DTYPES;

/** Options for `writeHfModel`. */
export interface WriteHfModelOptions {
  /** Weights dtype: float32 (default), float16 or bfloat16, rounded to nearest even. */
  dtype?: FloatDtypeName;
  /** Shard above this size, e.g. "2GB" (default "5GB", as transformers). */
  maxShardSize?: string | number;
  /** Tokenizer folder or file (tokenizer.json / tokenizer.model); default: the source's own tokenizer files. */
  tokenizer?: string;
  /** Write the folder without a tokenizer instead of failing when there is none. Default false. */
  allowMissingTokenizer?: boolean;
  /** Replace `out` if it exists. Default false: an existing folder is an `OutputExistsError`. */
  force?: boolean;
}

/** What `writeHfModel` wrote. */
export interface WrittenHfModel extends WrittenHfFolder {
  /** The config.json written. */
  readonly config: Record<string, unknown>;
  /** The tokenizer, when one was written. */
  readonly tokenizer?: { readonly kind: string; readonly size: number; readonly files: readonly string[] };
  /** Embedding rows beyond the tokenizer's ids (padding), 0 when they match. */
  readonly paddingRows: number;
}

/**
 * The special-token ids config.json should carry: the tokenizer's, checked against any the model
 * config already has. Throws `SourceCheckpointError` when the two disagree, or when an id is outside the
 * vocabulary.
 */
export function resolveSpecialIds(config: LlamaConfig, tokenizer: TokenizerInfo | undefined, source: string): LlamaConfig {
  const fields = [
    ['bosTokenId', 'bos', 'bos_token_id'],
    ['eosTokenId', 'eos', 'eos_token_id'],
    ['padTokenId', 'pad', 'pad_token_id'],
  ] as const;
  const out: Record<string, unknown> = { ...config };
  for (const [field, key, hfKey] of fields) {
    const fromTokenizer = tokenizer?.special[key];
    const fromConfig = config[field];
    if (fromTokenizer !== undefined) {
      const mine = Array.isArray(fromConfig) ? fromConfig : fromConfig === undefined ? [] : [fromConfig];
      if (mine.length > 0 && !mine.includes(fromTokenizer)) {
        throw new SourceCheckpointError({
          message: `${source}: config.json has ${hfKey} ${JSON.stringify(fromConfig)} but the tokenizer in ${tokenizer?.dir} says ${fromTokenizer}`,
          file: source,
          field: hfKey,
        });
      }
      out[field] = Array.isArray(fromConfig) ? fromConfig : fromTokenizer;
    }
    const ids = out[field] === undefined ? [] : Array.isArray(out[field]) ? (out[field] as number[]) : [out[field] as number];
    const outside = ids.find((id) => id < 0 || id >= config.vocabSize);
    if (outside !== undefined) {
      throw new SourceCheckpointError({
        message: `${source}: ${hfKey} ${outside} is outside the vocabulary [0, ${config.vocabSize})`,
        file: source,
        field: hfKey,
      });
    }
  }
  return out as unknown as LlamaConfig;
}

/** A tokenizer_config.json for a tokenizer folder that has none. */
function synthesizeTokenizerConfig(tokenizer: TokenizerInfo, config: LlamaConfig): Record<string, unknown> {
  const token = (id: number | undefined) => (id === undefined ? null : (tokenizer.tokenAt(id) ?? null));
  return {
    tokenizer_class: tokenizer.tokenizerJson ? 'PreTrainedTokenizerFast' : 'LlamaTokenizer',
    bos_token: token(tokenizer.special.bos),
    eos_token: token(tokenizer.special.eos),
    unk_token: token(tokenizer.special.unk),
    pad_token: token(tokenizer.special.pad),
    add_bos_token: tokenizer.addBos ?? tokenizer.sentencePiece !== undefined,
    add_eos_token: tokenizer.addEos ?? false,
    model_max_length: config.maxPositionEmbeddings,
    clean_up_tokenization_spaces: false,
  };
}

/**
 * Writes `source` as a Hugging Face folder at `out` (see the file header). Checks first: the
 * tokenizer's size against the embedding rows, and special-token ids against config.json. Throws
 * `SourceCheckpointError` for an inconsistent input, `OutputExistsError` when `out` exists (unless
 * `force`); on any failure nothing is left at `out` and no temporary folder remains.
 */
export async function writeHfModel(source: ModelSource, out: string, options: WriteHfModelOptions = {}): Promise<WrittenHfModel> {
  const opts = parseOptions(writeHfModelOptions, options, 'writeHfModel');
  const dtype = opts.dtype ?? 'float32';
  const target = OUTPUT_DTYPES[dtype];
  const tokenizerPath = opts.tokenizer ?? source.tokenizerDir;
  if (tokenizerPath === undefined && !opts.allowMissingTokenizer) {
    throw new SourceCheckpointError({
      message: `${source.path}: no tokenizer: the source has no tokenizer files; give one (--tokenizer DIR) or allow a folder without one (--no-tokenizer)`,
      file: source.path,
      field: 'tokenizer',
    });
  }
  const tokenizer = tokenizerPath === undefined ? undefined : await readTokenizer(tokenizerPath);
  const embedRows = source.config.vocabSize;
  if (tokenizer && tokenizer.size > embedRows) {
    throw new SourceCheckpointError({
      message: `${tokenizer.dir}: the tokenizer produces ids up to ${tokenizer.size - 1} (${tokenizer.size} tokens), but the model's embedding has only ${embedRows} rows (vocab_size ${embedRows}); a model must have a row for every token id`,
      file: tokenizer.dir,
      field: 'vocab_size',
    });
  }
  const config = resolveSpecialIds(source.config, tokenizer, `${source.path}`);
  const hfConfig: Record<string, unknown> = { ...toHfConfig(config, { torchDtype: dtype }) };
  if (source.attentionBias) hfConfig.attention_bias = true;
  const ids = { bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenId, pad_token_id: config.padTokenId };
  const generationConfig = Object.fromEntries(Object.entries({ _from_model_config: true, ...ids }).filter(([, v]) => v !== undefined));

  const tensors: TensorSource[] = source.tensors.map((t) => ({
    name: t.name,
    dtype: target,
    shape: t.shape,
    data: async () => (t.sourceDtype === target && t.readRaw ? t.readRaw() : t.read()),
  }));
  const tokenizerConfig = tokenizer && !tokenizer.tokenizerConfig ? synthesizeTokenizerConfig(tokenizer, config) : undefined;
  const tokenizerFiles: Record<string, Uint8Array> = {};
  for (const [name, from] of Object.entries(tokenizer?.sources ?? {})) tokenizerFiles[name] = new Uint8Array(await readFile(from));
  const written = await writeHfFolder(out, {
    tensors,
    config: hfConfig,
    generationConfig,
    extraFiles: tokenizerFiles, // copied byte for byte, under their Hugging Face names
    tokenizerConfig,
    maxShardSize: opts.maxShardSize,
    force: opts.force,
  });
  return {
    ...written,
    config: hfConfig,
    tokenizer: tokenizer ? { kind: tokenizer.kind, size: tokenizer.size, files: tokenizer.files } : undefined,
    paddingRows: tokenizer ? embedRows - tokenizer.size : 0,
  };
}
