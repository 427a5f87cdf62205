// The inverse of the InternEvo import for the LLAMA2 model type: which tensors each
// `model_tp{t}_pp{p}.pt` holds, under which names and in which layout, built from a Hugging Face
// LLaMA state dict. What is followed (InternEvo v0.3.0 to v0.3.3 tags and the March 2024 develop line):
// - Names: internlm/model/modeling_llama.py PackedFlashLlama1D / PackedFlashLlamaLayer1D / MHA:
//   tok_embeddings, layers.{i}.attention.wq/wk/wv/wo, attention_norm, ffn_norm,
//   feed_forward.w1/w2/w3, norm, output. The rotary inv_freq is a plain attribute there (not a
//   buffer), so it is not in the state dict. Every key carries the `model.` prefix: the trainer
//   wraps the model in NaiveAMPModel (`self.model = model`, internlm/core/naive_amp.py), whose
//   state_dict save_model_checkpoint writes, and load_model_checkpoint loads with strict=False, so
//   keys without the prefix would be skipped with only a warning.
// - Pipeline stages: internlm/solver/pipeline_utils.py partition_uniform (num_chunks=1): stage p
//   holds chunk + (p >= pp - layers % pp) consecutive layers, numbered from 0 within the stage;
//   the embedding lives in the first stage, the final norm and the head in the last.
// - Tensor parallel: column-parallel linears (wq/wk/wv, w1 and the up projection, the head) split
//   along the output dimension, row-parallel ones (wo, the down projection) along the input
//   dimension; Embedding1D (embed_split_hidden=True, the authors' configs/LLM1B.py) along the
//   hidden dimension; norms replicated; a row-parallel bias on rank 0 only (RowParallelLinear).
// - MLP naming: w1 = gate; up and down are w3 / w2 from v0.2.4 and on every v0.3 tag
//   (BaseFeedForward in internlm/model/linear.py: out = w2(silu(w1 x) * w3 x)), and w2 / w3 up to
//   v0.2.3dev20240201 (FeedForward there: out = w3(silu(w1 x) * w2 x)). v0.3.x's own hf_llama
//   loader still maps up_proj to w2, the old way, which is why it cannot load a LLaMA folder right.
// - Rotary: Hugging Face keeps q/k rows half-split; with adapt_hf=False (v0.3.x's default) or
//   qk_interleaved=True InternEvo expects them interleaved and de-interleaves at run time, so the
//   rows are permuted (the inverse of the import's permutation).

import type { LlamaConfig } from '@tinylm/arch-config';
import { float32ArrayToBf16, float32ArrayToF16 } from '@tinylm/hf-io';
import { InvalidArgumentError } from '@tinylm/errors';
import { EMBED, FINAL_NORM, LM_HEAD, layerName, permuteRotaryRows } from './llama-params';

/** The dtypes a shard's tensors are written in. */
export type InternEvoDtype = 'float32' | 'bfloat16' | 'float16';

/** One tensor of a shard: its bytes (little-endian, `dtype`) are produced when the writer asks. */
export interface ShardTensor {
  readonly dtype: InternEvoDtype;
  readonly shape: readonly number[];
  readonly data: () => Promise<Uint8Array>;
}

/** How the checkpoint is split and laid out. */
export interface InternEvoSplit {
  tp: number;
  pp: number;
  /** q/k rows: 'interleaved' (adapt_hf=False / qk_interleaved=True) or 'half' (Hugging Face's). */
  rotary: 'interleaved' | 'half';
  /** Which of w2 / w3 holds the down projection: 'down' from v0.2.4 on (every v0.3), 'up' up to v0.2.3. */
  w2: 'up' | 'down';
  dtype: InternEvoDtype;
}

/** Reads a Hugging Face tensor by name as float32. */
export type HfReader = (name: string) => Promise<Float32Array>;

/** InternEvo's partition_uniform (num_chunks=1): the [start, end) layers of each pipeline stage. */
export function partitionUniform(layers: number, pp: number): [number, number][] {
  const chunk = Math.floor(layers / pp);
  const left = pp - (layers % pp);
  const parts: [number, number][] = [];
  let base = 0;
  for (let p = 0; p < pp; p++) {
    const start = base;
    base += chunk + (p >= left ? 1 : 0);
    parts.push([start, base]);
  }
  return parts;
}

/**
 * Checks that `split` fits `config`: whole positive tp / pp, tp dividing the heads, the key/value
 * heads, the vocabulary and the FFN, at least one layer per stage. Throws `InvalidArgumentError` naming
 * the value and what would work.
 */
export function checkSplit(config: LlamaConfig, split: Pick<InternEvoSplit, 'tp' | 'pp'>, source: string): void {
  const { tp, pp } = split;
  for (const [name, value] of [
    ['tp', tp],
    ['pp', pp],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 4096)
      throw new InvalidArgumentError({ field: name, value, allowed: 'a whole number from 1 to 4096' });
  }
  const kv = config.numKvHeads ?? config.numHeads;
  const sizes: [string, number][] = [
    ['attention heads', config.numHeads],
    ['key/value heads', kv],
    ['vocabulary rows', config.vocabSize],
    ['FFN width', config.intermediateSize],
  ];
  const bad = sizes.filter(([, n]) => n % tp !== 0);
  if (bad.length > 0) {
    const all = sizes.map(([, n]) => n);
    const works = [];
    for (let d = 1; d <= Math.min(...all) && works.length < 8; d++) if (all.every((n) => n % d === 0)) works.push(d);
    throw new InvalidArgumentError({
      field: 'tp',
      value: tp,
      file: source,
      reason: `tensor parallel ${tp} does not divide the ${bad.map(([what, n]) => `${n} ${what}`).join(', ')} (InternEvo splits each evenly over the ranks)`,
      allowed: works.join(', '),
    });
  }
  if (pp > config.numLayers) {
    throw new InvalidArgumentError({
      field: 'pp',
      value: pp,
      file: source,
      reason: `pipeline parallel ${pp} is more than the ${config.numLayers} layers (InternEvo needs at least one layer per stage)`,
      allowed: `1 to ${config.numLayers}`,
    });
  }
}

function toBytes(values: Float32Array, dtype: InternEvoDtype): Uint8Array {
  const typed = dtype === 'float32' ? values : dtype === 'bfloat16' ? float32ArrayToBf16(values) : float32ArrayToF16(values);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** Rows [start, end) of a row-major [rows, cols] matrix (or a vector with cols 1). */
function rowSlice(values: Float32Array, cols: number, start: number, end: number): Float32Array {
  return values.slice(start * cols, end * cols);
}

/** Columns [start, end) of a row-major [rows, cols] matrix. */
function colSlice(values: Float32Array, rows: number, cols: number, start: number, end: number): Float32Array {
  const width = end - start;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * cols + start, r * cols + end), r * width);
  return out;
}

/**
 * The tensors of shard (tp rank `t`, pipeline stage `p`) in InternEvo's state-dict order, each
 * read from `read` only when its bytes are asked for (one Hugging Face tensor in memory at a time).
 * `attentionBias`: the Hugging Face model has q/k/v/o biases.
 */
export function shardTensors(
  config: LlamaConfig,
  attentionBias: boolean,
  split: InternEvoSplit,
  t: number,
  p: number,
  read: HfReader,
): [string, ShardTensor][] {
  const { tp, pp, dtype } = split;
  const H = config.hiddenSize;
  const NH = config.numHeads;
  const HD = H / NH;
  const KV = (config.numKvHeads ?? NH) * HD;
  const F = config.intermediateSize;
  const V = config.vocabSize;
  const [start, end] = partitionUniform(config.numLayers, pp)[p];
  const out: [string, ShardTensor][] = [];
  const add = (name: string, shape: number[], produce: () => Promise<Float32Array>) =>
    out.push([`model.${name}`, { dtype, shape, data: async () => toBytes(await produce(), dtype) }]);
  const rotary = async (name: string, heads: number, cols: number) => {
    const values = await read(name);
    return split.rotary === 'interleaved' ? permuteRotaryRows(values, heads, HD, cols, true) : values;
  };
  // column-parallel: rank t's rows; row-parallel: rank t's columns
  const rows = (name: string, total: number, cols: number, values?: (n: string) => Promise<Float32Array>) => async () =>
    rowSlice(await (values ?? read)(name), cols, (t * total) / tp, ((t + 1) * total) / tp);
  const cols = (name: string, outRows: number, total: number) => async () =>
    colSlice(await read(name), outRows, total, (t * total) / tp, ((t + 1) * total) / tp);

  if (p === 0) add('tok_embeddings.weight', [V, H / tp], cols(EMBED, V, H));
  for (let i = start; i < end; i++) {
    const local = `layers.${i - start}.`;
    const hf = (n: string) => layerName(i, n);
    add(
      `${local}attention.wq.weight`,
      [H / tp, H],
      rows(hf('self_attn.q_proj.weight'), H, H, (n) => rotary(n, NH, H)),
    );
    if (attentionBias)
      add(
        `${local}attention.wq.bias`,
        [H / tp],
        rows(hf('self_attn.q_proj.bias'), H, 1, (n) => rotary(n, NH, 1)),
      );
    add(
      `${local}attention.wk.weight`,
      [KV / tp, H],
      rows(hf('self_attn.k_proj.weight'), KV, H, (n) => rotary(n, KV / HD, H)),
    );
    if (attentionBias)
      add(
        `${local}attention.wk.bias`,
        [KV / tp],
        rows(hf('self_attn.k_proj.bias'), KV, 1, (n) => rotary(n, KV / HD, 1)),
      );
    add(`${local}attention.wv.weight`, [KV / tp, H], rows(hf('self_attn.v_proj.weight'), KV, H));
    if (attentionBias) add(`${local}attention.wv.bias`, [KV / tp], rows(hf('self_attn.v_proj.bias'), KV, 1));
    add(`${local}attention.wo.weight`, [H, H / tp], cols(hf('self_attn.o_proj.weight'), H, H));
    if (attentionBias && t === 0) add(`${local}attention.wo.bias`, [H], () => read(hf('self_attn.o_proj.bias')));
    add(`${local}attention_norm.weight`, [H], () => read(hf('input_layernorm.weight')));
    add(`${local}ffn_norm.weight`, [H], () => read(hf('post_attention_layernorm.weight')));
    add(`${local}feed_forward.w1.weight`, [F / tp, H], rows(hf('mlp.gate_proj.weight'), F, H));
    const up: [string, number[], () => Promise<Float32Array>] = ['', [F / tp, H], rows(hf('mlp.up_proj.weight'), F, H)];
    const down: [string, number[], () => Promise<Float32Array>] = ['', [H, F / tp], cols(hf('mlp.down_proj.weight'), H, F)];
    const [w2, w3] = split.w2 === 'down' ? [down, up] : [up, down];
    add(`${local}feed_forward.w2.weight`, w2[1], w2[2]);
    add(`${local}feed_forward.w3.weight`, w3[1], w3[2]);
  }
  if (p === pp - 1) {
    add('norm.weight', [H], () => read(FINAL_NORM));
    add('output.weight', [V / tp, H], rows(config.tieWordEmbeddings ? EMBED : LM_HEAD, V, H));
  }
  return out;
}
