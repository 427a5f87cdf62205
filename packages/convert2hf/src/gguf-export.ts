// A Hugging Face LLaMA folder as a GGUF v3 file for llama.cpp's `llama` architecture.
// Follows llama.cpp's convert_hf_to_gguf.py (`LlamaModel`): hyper-parameters under `llama.*`
// (context_length, embedding_length, block_count, feed_forward_length, rope.dimension_count,
// attention.head_count(_kv), attention.layer_norm_rms_epsilon, rope.freq_base, vocab_size),
// tensor names from gguf-py's TENSOR_NAMES (token_embd, blk.N.attn_q/k/v/output, ffn_gate/up/down,
// attn_norm, ffn_norm, output_norm, output), and q/k rows permuted back from Hugging Face's
// half-split rotary layout to the interleaved one llama.cpp's rope expects (`LlamaModel.permute`).
// 2-D weights are stored as F32 or F16 (round to nearest even), norms always as F32 (as
// convert_hf_to_gguf.py keeps 1-D tensors). Tied embeddings: no `output.weight`, llama.cpp then
// uses token_embd. Tokenizer metadata: see gguf-tokenizer.ts.

import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { type FloatDtypeSpelling, float32ArrayToF16, openHfCheckpoint, OutputExistsError } from '@tinylm/hf-io';
import { GgufExportError } from './errors';
import { ggufVocab } from './gguf-tokenizer';
import { type GgufTensor, type GgufValue, type WrittenGguf, writeGguf } from './gguf-writer';
import { EMBED, FINAL_NORM, LM_HEAD, layerName, permuteRotaryRows } from './llama-params';
import { checkWeights, readFolderLlamaConfig } from './tinylm-checkpoint';
import { hasTokenizer, readTokenizer } from './tokenizer-files';
import { parseOptions } from '@tinylm/errors';
import { exportGgufOptions } from './options';

/** GGUF tensor storage: f32, or f16 for the 2-D weights. */
export type GgufDtype = FloatDtypeSpelling<'float32' | 'float16'>;

/** Options for `exportGguf`. */
export interface ExportGgufOptions {
  /** The Hugging Face LLaMA folder to read. */
  src: string;
  /** The .gguf file to write. */
  out: string;
  /** f32 (default) or f16 weights; norms stay f32. */
  dtype?: GgufDtype;
  /** Tokenizer folder or file; default: the folder's own tokenizer files. */
  tokenizer?: string;
  /** `tokenizer.ggml.pre` for byte-level BPE tokenizers; default: detected. */
  pre?: string;
  /** `general.name`; default: the folder's name. */
  name?: string;
  /** Replace `out` if it exists. */
  force?: boolean;
}

/** What `exportGguf` wrote. */
export interface ExportedGguf extends WrittenGguf {
  readonly tokenizerModel: 'llama' | 'gpt2';
  readonly pre?: string;
  readonly notes: readonly string[];
}

const LAYER_TENSORS: readonly [string, string][] = [
  ['input_layernorm.weight', 'attn_norm.weight'],
  ['self_attn.q_proj.weight', 'attn_q.weight'],
  ['self_attn.k_proj.weight', 'attn_k.weight'],
  ['self_attn.v_proj.weight', 'attn_v.weight'],
  ['self_attn.o_proj.weight', 'attn_output.weight'],
  ['self_attn.q_proj.bias', 'attn_q.bias'],
  ['self_attn.k_proj.bias', 'attn_k.bias'],
  ['self_attn.v_proj.bias', 'attn_v.bias'],
  ['self_attn.o_proj.bias', 'attn_output.bias'],
  ['post_attention_layernorm.weight', 'ffn_norm.weight'],
  ['mlp.gate_proj.weight', 'ffn_gate.weight'],
  ['mlp.up_proj.weight', 'ffn_up.weight'],
  ['mlp.down_proj.weight', 'ffn_down.weight'],
];

function bytesOf(values: Float32Array, type: 'F32' | 'F16'): Uint8Array {
  if (type === 'F16') {
    const bits = float32ArrayToF16(values);
    return new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
  }
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * Writes the Hugging Face LLaMA folder `src` as a GGUF v3 file (see the file header). Checks the
 * weights against config.json first. Throws `SourceCheckpointError` for an inconsistent folder,
 * `GgufExportError` for what GGUF or llama.cpp cannot express, `OutputExistsError` when `out`
 * exists without `force`. The file is written atomically.
 */
export async function exportGguf(options: ExportGgufOptions): Promise<ExportedGguf> {
  const opts = parseOptions(exportGgufOptions, options, 'exportGguf');
  const dtype = opts.dtype ?? 'float32';
  if (
    !opts.force &&
    (await stat(opts.out).then(
      () => true,
      () => false,
    ))
  ) {
    throw new OutputExistsError({ message: `${opts.out} already exists; pass force: true (--force) to replace it`, file: opts.out });
  }
  const { config, attentionBias } = await readFolderLlamaConfig(opts.src);
  const tokenizerPath = opts.tokenizer ?? ((await hasTokenizer(opts.src)) ? opts.src : undefined);
  if (!tokenizerPath) {
    throw new GgufExportError({
      message: `${opts.src}: no tokenizer files; llama.cpp needs the vocabulary in the GGUF file (give --tokenizer)`,
      file: opts.src,
    });
  }
  const tokenizer = await readTokenizer(tokenizerPath);
  const vocab = ggufVocab(tokenizer, config.vocabSize, { pre: opts.pre });
  const weights = await openHfCheckpoint(opts.src);
  try {
    const notes = checkWeights(weights, config, attentionBias, opts.src);
    notes.push(...vocab.notes);
    const hd = config.hiddenSize / config.numHeads;
    const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
    const f32 = (value: number): GgufValue => ({ type: 'float32', value });
    const metadata: [string, GgufValue][] = [
      ['general.architecture', { type: 'string', value: 'llama' }],
      ['general.name', { type: 'string', value: opts.name ?? basename(opts.src.replace(/[\\/]+$/, '')) }],
      ['general.file_type', u32(dtype === 'float16' ? 1 : 0)], // LLAMA_FTYPE_MOSTLY_F16 / ALL_F32
      ['llama.context_length', u32(config.maxPositionEmbeddings)],
      ['llama.embedding_length', u32(config.hiddenSize)],
      ['llama.block_count', u32(config.numLayers)],
      ['llama.feed_forward_length', u32(config.intermediateSize)],
      ['llama.rope.dimension_count', u32(hd)],
      ['llama.attention.head_count', u32(config.numHeads)],
      ['llama.attention.head_count_kv', u32(config.numKvHeads)],
      ['llama.attention.layer_norm_rms_epsilon', f32(config.rmsNormEps)],
      ['llama.rope.freq_base', f32(config.ropeTheta)],
      ['llama.vocab_size', u32(config.vocabSize)],
      ...vocab.metadata,
    ];
    const tensor = (hfName: string, ggufName: string, transform?: (v: Float32Array) => Float32Array): GgufTensor => {
      const info = weights.info(hfName);
      const type = info.shape.length === 1 || dtype === 'float32' ? 'F32' : 'F16';
      return {
        name: ggufName,
        type,
        shape: info.shape,
        data: async () => {
          const values = await weights.readTensorAsFloat32(hfName);
          return bytesOf(transform ? transform(values) : values, type);
        },
      };
    };
    const tensors: GgufTensor[] = [tensor(EMBED, 'token_embd.weight')];
    for (let i = 0; i < config.numLayers; i++) {
      for (const [leaf, name] of LAYER_TENSORS) {
        const hfName = layerName(i, leaf);
        if (!weights.has(hfName)) continue; // biases only with attention_bias
        const isQ = leaf.startsWith('self_attn.q_proj');
        const isK = leaf.startsWith('self_attn.k_proj');
        const heads = isQ ? config.numHeads : config.numKvHeads;
        const cols = leaf.endsWith('.bias') ? 1 : config.hiddenSize;
        tensors.push(tensor(hfName, `blk.${i}.${name}`, isQ || isK ? (v) => permuteRotaryRows(v, heads, hd, cols, true) : undefined));
      }
    }
    tensors.push(tensor(FINAL_NORM, 'output_norm.weight'));
    if (!config.tieWordEmbeddings) tensors.push(tensor(LM_HEAD, 'output.weight'));
    const written = await writeGguf(opts.out, { metadata, tensors, force: opts.force });
    return { ...written, tokenizerModel: vocab.model, pre: vocab.pre, notes };
  } finally {
    await weights.close();
  }
}
