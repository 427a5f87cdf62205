// One transformer layer of an InternEvo checkpoint as Hugging Face LLaMA tensors: q/k/v (separate
// or fused per rank), the output projection and its rank-0 bias, the SwiGLU MLP (which of w2 / w3
// is the down projection, told from the shapes), the two norms; q/k permuted from the
// interleaved rotary layout when the checkpoint uses it.
import type { Dtype } from '@tinylm/hf-io';
import type { InternEvoModelConfig } from './internevo-config';
import type { InternEvoModelType, Layout } from './internevo-layout';
import { badShape, concatCols, concatRows, fail, type MergedParts, type Part, type Producer, readParts } from './internevo-parts';
import type { ModelSizes } from './internevo-sizes';
import { layerName, permuteRotaryRows } from './llama-params';
import type { SourceTensor } from './model-source';

/** What every layer is read with. */
export interface LayerReading {
  parts: MergedParts;
  layout: Layout;
  modelType: InternEvoModelType;
  sizes: ModelSizes;
  modelConfig: InternEvoModelConfig;
  configSource: string;
  /** Needed only when the up and down projections have the same shape. */
  w2: 'up' | 'down' | undefined;
  attentionBias: boolean;
  qkInterleaved: boolean;
  /** The dtype the tensors are stored in. */
  dtype: Dtype;
}

/** Sizes the first layer settled, that every later layer must repeat. */
export interface LayerWidths {
  /** Rows of k / v (key/value heads × head size). */
  kv?: number;
  ffn?: number;
}

export interface LayerTensors {
  tensors: SourceTensor[];
  widths: Required<LayerWidths>;
  /** The layer's rotary inv_freq buffer, when it has one. */
  rotary?: { part: Part; key: string };
}

interface Attention {
  q: Producer;
  k: Producer;
  v: Producer;
  biases?: { q: Producer; k: Producer; v: Producer };
  kvRows: number;
}

export function readLayer(reading: LayerReading, layer: number, expected: LayerWidths): LayerTensors {
  const { parts, layout, sizes, modelConfig } = reading;
  const { hidden, headDim, numHeads } = sizes;
  const prefix = `${layout.prefix}.${layer}.`;
  const tensors: SourceTensor[] = [];
  const push = (name: string, shape: number[], read: Producer) => tensors.push({ name, shape, sourceDtype: reading.dtype, read });

  const attention = readAttention(reading, prefix, layer, expected.kv);
  const kvHeads = attention.kvRows / headDim;
  if (
    reading.modelType !== 'INTERNLM' &&
    modelConfig.num_kv_attention_heads !== undefined &&
    modelConfig.num_kv_attention_heads !== kvHeads
  ) {
    fail(
      `${parts.dir}: ${prefix}attention.wk holds ${kvHeads} key/value heads, but ${reading.configSource} says num_kv_attention_heads=${modelConfig.num_kv_attention_heads}`,
      {
        file: parts.dir,
        tensor: `${prefix}attention.wk.weight`,
      },
    );
  }
  const permute = (read: Producer, heads: number, cols: number): Producer =>
    reading.qkInterleaved ? async () => permuteRotaryRows(await read(), heads, headDim, cols) : read;
  push(layerName(layer, 'self_attn.q_proj.weight'), [hidden, hidden], permute(attention.q, numHeads, hidden));
  push(layerName(layer, 'self_attn.k_proj.weight'), [attention.kvRows, hidden], permute(attention.k, kvHeads, hidden));
  push(layerName(layer, 'self_attn.v_proj.weight'), [attention.kvRows, hidden], attention.v);
  const output = parts.rowParallel(`${prefix}${layout.out}.weight`, hidden, hidden, 'hidden');
  push(layerName(layer, 'self_attn.o_proj.weight'), [hidden, hidden], async () =>
    concatCols(await readParts(output.parts), hidden, output.cols),
  );
  const outputBias = parts.get(`${prefix}${layout.out}.bias`);
  if (attention.biases) {
    push(layerName(layer, 'self_attn.q_proj.bias'), [hidden], permute(attention.biases.q, numHeads, 1));
    push(layerName(layer, 'self_attn.k_proj.bias'), [attention.kvRows], permute(attention.biases.k, kvHeads, 1));
    push(layerName(layer, 'self_attn.v_proj.bias'), [attention.kvRows], attention.biases.v);
    push(
      layerName(layer, 'self_attn.o_proj.bias'),
      [hidden],
      rowParallelBias(parts.dir, `${prefix}${layout.out}.bias`, outputBias, hidden),
    );
  }

  const ffn = readMlp(reading, layer, prefix, expected.ffn, push);
  push(layerName(layer, 'input_layernorm.weight'), [hidden], parts.replicated(`${prefix}${layout.attnNorm}`, hidden));
  push(layerName(layer, 'post_attention_layernorm.weight'), [hidden], parts.replicated(`${prefix}${layout.ffnNorm}`, hidden));
  const rotary = parts.get(`${prefix}${layout.rotary}`);
  return {
    tensors,
    widths: { kv: attention.kvRows, ffn },
    rotary: rotary ? { part: rotary[0], key: `${prefix}${layout.rotary}` } : undefined,
  };
}

function readAttention(reading: LayerReading, prefix: string, layer: number, expectedKv: number | undefined): Attention {
  const { parts, layout } = reading;
  const fusedKey = layout.qkv ? `${prefix}${layout.qkv}.weight` : undefined;
  if (layout.q && parts.has(`${prefix}${layout.q}.weight`)) return separateAttention(reading, prefix, expectedKv);
  if (fusedKey && parts.has(fusedKey)) return fusedAttention(reading, fusedKey);
  return fail(
    `${parts.dir}: layer ${layer} has no attention projections (${layout.q ? `${prefix}${layout.q}.weight or ` : ''}${fusedKey})`,
    { file: parts.dir, tensor: fusedKey },
  );
}

/** LLAMA2's wq / wk / wv, column-parallel each. */
function separateAttention(reading: LayerReading, prefix: string, expectedKv: number | undefined): Attention {
  const { parts, layout, sizes } = reading;
  const { hidden, headDim } = sizes;
  const [qKey, kKey, vKey] = [layout.q, layout.k, layout.v].map((name) => `${prefix}${name}.weight`);
  const q = parts.columnParallel(qKey, hidden, hidden, 'hidden');
  const k = parts.columnParallel(kKey, hidden, expectedKv, 'kv');
  if (k.rows % headDim !== 0) badShape(k.parts[0], kKey, `its ${k.rows} rows are not a whole number of heads of size ${headDim}`);
  parts.columnParallel(vKey, hidden, k.rows, 'kv');
  const attention: Attention = {
    q: async () => concatRows(await readParts(q.parts)),
    k: async () => concatRows(await readParts(k.parts)),
    v: async () => concatRows(await readParts(parts.need(vKey))),
    kvRows: k.rows,
  };
  const bias = (name: string | undefined) => parts.get(`${prefix}${name}.bias`);
  if (!reading.attentionBias) {
    for (const name of [layout.q, layout.k, layout.v]) bias(name); // all zero: dropped, but used
    return attention;
  }
  return {
    ...attention,
    biases: { q: biasReader(bias(layout.q), hidden), k: biasReader(bias(layout.k), k.rows), v: biasReader(bias(layout.v), k.rows) },
  };
}

/**
 * A fused q/k/v projection, column-parallel. Its key/value rows are read from the shape (rows =
 * hidden + 2 kv), checked against num_kv_attention_heads when the config has it. Row order:
 * - INTERNLM (mixer.Wqkv) and a fused LLAMA2: per rank [q_t; k_t; v_t];
 * - INTERNLM2 (attention.wqkv, modeling_internlm2.py MHA: rearrange "(h gs d) -> h gs d",
 *   gs = q_per_kv + 2): per key/value head its q heads, then its k head, then its v head. A
 *   column-parallel split of that keeps whole groups per rank, so the ranks' rows concatenated are
 *   the global grouped layout.
 */
function fusedAttention(reading: LayerReading, fusedKey: string): Attention {
  const { parts, sizes, modelConfig, configSource } = reading;
  const { hidden, headDim, numHeads } = sizes;
  const tp = parts.tensorParallel;
  const fused = parts.need(fusedKey);
  for (const part of fused)
    if (part.tensor.shape.length !== 2 || part.tensor.shape[1] !== hidden)
      badShape(part, fusedKey, `expected [rows, ${hidden}] (column-parallel)`);
  const rows = fused.reduce((n, p) => n + p.tensor.shape[0], 0);
  const kvTotal = (rows - hidden) / 2;
  const kvHeads = kvTotal / headDim;
  if (!Number.isInteger(kvHeads) || kvHeads < 1 || numHeads % kvHeads !== 0)
    badShape(
      fused[0],
      fusedKey,
      `its ${rows} rows (all ranks) are not ${hidden} q rows plus k and v rows of whole heads of size ${headDim} that divide ${numHeads} heads`,
    );
  if (modelConfig.num_kv_attention_heads !== undefined && modelConfig.num_kv_attention_heads !== kvHeads)
    badShape(
      fused[0],
      fusedKey,
      `it holds ${kvHeads} key/value heads, but ${configSource} says num_kv_attention_heads=${modelConfig.num_kv_attention_heads}`,
    );
  if (reading.modelType === 'INTERNLM' && kvHeads !== numHeads)
    badShape(fused[0], fusedKey, `InternLM's Wqkv is multi-head attention: expected ${3 * hidden} rows, found ${rows}`);
  const perRank = rows / tp;
  for (const part of fused)
    if (part.tensor.shape[0] !== perRank) badShape(part, fusedKey, `expected ${perRank} rows on each of ${tp} tensor-parallel ranks`);
  const grouped = reading.modelType === 'INTERNLM2';
  if (grouped && kvHeads % tp !== 0)
    badShape(fused[0], fusedKey, `InternLM2's grouped wqkv needs the ${kvHeads} key/value heads divisible by tensor parallel ${tp}`);
  const qPerKv = numHeads / kvHeads;

  /** The rows of q (0), k (1) or v (2), each `cols` wide, from the fused parts. */
  const split =
    (which: 0 | 1 | 2, from: readonly Part[], cols: number): Producer =>
    async () => {
      const all = await readParts(from);
      if (grouped) {
        const g = concatRows(all);
        const per = which === 0 ? qPerKv : 1;
        const offset = which === 0 ? 0 : which === 1 ? qPerKv : qPerKv + 1;
        const out = new Float32Array(kvHeads * per * headDim * cols);
        const group = (qPerKv + 2) * headDim * cols;
        for (let h = 0; h < kvHeads; h++) {
          const at = h * group + offset * headDim * cols;
          out.set(g.subarray(at, at + per * headDim * cols), h * per * headDim * cols);
        }
        return out;
      }
      const q = hidden / tp;
      const kv = kvTotal / tp;
      const [start, len] = which === 0 ? [0, q] : which === 1 ? [q, kv] : [q + kv, kv];
      return concatRows(all.map((a) => a.subarray(start * cols, (start + len) * cols)));
    };
  if (!grouped && (hidden % tp !== 0 || kvTotal % tp !== 0))
    badShape(fused[0], fusedKey, `its q (${hidden}) and k/v (${kvTotal}) rows do not split evenly over ${tp} tensor-parallel ranks`);
  const attention: Attention = { q: split(0, fused, hidden), k: split(1, fused, hidden), v: split(2, fused, hidden), kvRows: kvTotal };
  const biasKey = `${fusedKey.slice(0, -'.weight'.length)}.bias`;
  const fusedBias = parts.get(biasKey);
  if (!reading.attentionBias) return attention;
  if (!fusedBias) fail(`${parts.dir}: ${biasKey} is missing while other attention biases exist`, { file: parts.dir, tensor: biasKey });
  for (const part of fusedBias)
    if (part.tensor.shape.length !== 1 || part.tensor.shape[0] !== perRank) badShape(part, biasKey, `expected [${perRank}] per rank`);
  return { ...attention, biases: { q: split(0, fusedBias, 1), k: split(1, fusedBias, 1), v: split(2, fusedBias, 1) } };
}

/** The SwiGLU MLP: w1 = gate; of w2 / w3, the one shaped [hidden, ffn/tp] is the down projection. Returns the FFN size. */
function readMlp(
  reading: LayerReading,
  layer: number,
  prefix: string,
  expectedFfn: number | undefined,
  push: (name: string, shape: number[], read: Producer) => void,
): number {
  const { parts, layout, sizes } = reading;
  const hidden = sizes.hidden;
  const mlp = `${prefix}${layout.mlp}`;
  const gate = parts.columnParallel(`${mlp}.w1.weight`, hidden, expectedFfn, 'ffn');
  const w2 = parts.need(`${mlp}.w2.weight`)[0].tensor.shape;
  const w3 = parts.need(`${mlp}.w3.weight`)[0].tensor.shape;
  let w2IsDown: boolean;
  if (w2[0] === hidden && w2[1] === hidden && w3[0] === hidden && w3[1] === hidden) {
    if (!reading.w2) {
      fail(
        `${parts.dir}: the up and down projections of ${mlp} have the same shape [${hidden}, ${hidden}], so which of w2/w3 is the down projection cannot be told from the shapes; pass w2: 'down' (InternEvo v0.2.4 and every v0.3: w2(silu(w1 x) * w3 x)) or 'up' (up to v0.2.3)`,
        { file: parts.dir, field: 'w2' },
      );
    }
    w2IsDown = reading.w2 === 'down';
  } else {
    w2IsDown = w2[0] === hidden && w2[1] !== hidden;
  }
  const up = parts.columnParallel(`${mlp}.${w2IsDown ? 'w3' : 'w2'}.weight`, hidden, gate.rows, 'ffn');
  const down = parts.rowParallel(`${mlp}.${w2IsDown ? 'w2' : 'w3'}.weight`, hidden, gate.rows, 'ffn');
  push(layerName(layer, 'mlp.gate_proj.weight'), [gate.rows, hidden], async () => concatRows(await readParts(gate.parts)));
  push(layerName(layer, 'mlp.up_proj.weight'), [gate.rows, hidden], async () => concatRows(await readParts(up.parts)));
  push(layerName(layer, 'mlp.down_proj.weight'), [hidden, gate.rows], async () =>
    concatCols(await readParts(down.parts), hidden, down.cols),
  );
  return gate.rows;
}

function biasReader(parts: Part[] | undefined, size: number): Producer {
  if (!parts) return async () => new Float32Array(size);
  return async () => concatRows(await readParts(parts));
}

/** A row-parallel bias: held by rank 0 only (flash-attn RowParallelLinear); summed if several hold one. */
function rowParallelBias(dir: string, key: string, parts: Part[] | undefined, hidden: number): Producer {
  return async () => {
    const out = new Float32Array(hidden);
    for (const values of parts ? await readParts(parts.filter(Boolean)) : []) {
      if (values.length !== hidden) fail(`${dir}: ${key} has ${values.length} values, expected ${hidden}`, { file: dir, tensor: key });
      for (let j = 0; j < hidden; j++) out[j] += values[j];
    }
    return out;
  };
}
