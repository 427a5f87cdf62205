// Weight-magnitude importance (the l1 / l2 rows of the PanGu-π Pro width ablation, docs/method.md
// section 3): a unit's score is the l1 norm (sum |w|) or l2 norm (sqrt sum w^2) of all its
// parameters (scores.ts lists them). Streamed: each tensor is read in chunks of rows straight from
// the checkpoint and reduced, so memory stays at a chunk or two whatever the model size, and
// tensors of structures that do not shrink are not read at all.
import type { LlamaConfig } from '@tinylm/arch-config';
import { decodeTensorAsFloat32, type HfCheckpoint } from '@tinylm/hf-io';
import { EMBED, FINAL_NORM, layerName } from '@tinylm/model';
import { DEFAULT_CHUNK_BYTES, readRowChunks, toFloat32 } from './row-reader';
import { addHeadsToGroups, emptyScores, mapScores, type ScoreNeeds, type UnitScores } from './scores';

export type MagnitudeMetric = 'l1' | 'l2';

/** Options of `magnitudeScores`. */
export interface MagnitudeScoreOptions {
  /** Kept source layers (scores are per kept layer, in this order). */
  layers: readonly number[];
  needs: ScoreNeeds;
  /** Source rows of the embedding / head that survive (vocabulary map), or null for all. */
  vocabRows: readonly number[] | null;
  /** The tensor holding the LM head (lm_head.weight, or the embedding when tied). */
  headTensor: string;
  /** Called after each tensor with the bytes read so far. */
  onRead?: (bytes: number) => void;
}

/** Adds |w| or w^2 of each row of `w` (count rows of k) to rowSums[i] and of each column to colAcc. */
function accumulate(w: Float32Array, count: number, k: number, sq: boolean, rowSums: Float64Array, colAcc: Float64Array | undefined): void {
  for (let r = 0; r < count; r++) {
    const base = r * k;
    let s = 0;
    if (colAcc && sq) {
      for (let j = 0; j < k; j++) {
        const v = w[base + j] * w[base + j];
        s += v;
        colAcc[j] += v;
      }
    } else if (colAcc) {
      for (let j = 0; j < k; j++) {
        const v = Math.abs(w[base + j]);
        s += v;
        colAcc[j] += v;
      }
    } else if (sq) {
      for (let j = 0; j < k; j++) s += w[base + j] * w[base + j];
    } else {
      for (let j = 0; j < k; j++) s += Math.abs(w[base + j]);
    }
    rowSums[r] = s;
  }
}

/** As `accumulate`, for 16-bit dtypes: `table[bits]` is |w| or w^2 of each of the 65,536 bit patterns. */
function accumulateBits(
  bits: Uint16Array,
  count: number,
  k: number,
  table: Float64Array,
  rowSums: Float64Array,
  colAcc: Float64Array | undefined,
): void {
  for (let r = 0; r < count; r++) {
    const base = r * k;
    let s = 0;
    if (colAcc) {
      for (let j = 0; j < k; j++) {
        const v = table[bits[base + j]];
        s += v;
        colAcc[j] += v;
      }
    } else {
      for (let j = 0; j < k; j++) s += table[bits[base + j]];
    }
    rowSums[r] = s;
  }
}

/** |w| or w^2 of every F16 / BF16 bit pattern (a lookup beats decoding then squaring). */
function valueTable(dtype: 'F16' | 'BF16', sq: boolean): Float64Array {
  const patterns = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const w = decodeTensorAsFloat32(new Uint8Array(patterns.buffer), dtype);
  return Float64Array.from(w, (x) => (sq ? x * x : Math.abs(x)));
}

/**
 * Streams the kept layers' tensors (and embedding / head when hidden channels shrink) and returns
 * per-unit l1 or l2 norms. Memory: two 16 MiB chunks of rows, one float32 scratch chunk, and the
 * score vectors.
 */
export async function magnitudeScores(
  ck: HfCheckpoint,
  c: LlamaConfig,
  metric: MagnitudeMetric,
  o: MagnitudeScoreOptions,
): Promise<UnitScores> {
  const d = c.hiddenSize / c.numHeads;
  const { needs } = o;
  const s = emptyScores(needs, o.layers.length, c.numHeads, c.numKvHeads, c.intermediateSize, c.hiddenSize);
  const hidden = s.hidden;
  const sq = metric === 'l2';
  const scratch = new Float32Array(DEFAULT_CHUNK_BYTES / 2); // a chunk as float32 (dtypes without a table)
  const tables = new Map<string, Float64Array>();
  const tableFor = (dtype: string) => {
    if (dtype !== 'F16' && dtype !== 'BF16') return undefined;
    if (!tables.has(dtype)) tables.set(dtype, valueTable(dtype, sq));
    return tables.get(dtype);
  };
  let bytes = 0;

  /**
   * Reduces tensor `name` (R, K): `rowAcc[floor(r / rowDiv)] += f(w)` over each row and
   * `colAcc[floor(k / colDiv)] += f(w)` over each column (either accumulator may be absent).
   */
  const reduce = async (
    name: string,
    rowAcc: Float64Array | undefined,
    rowDiv: number,
    colAcc: Float64Array | undefined,
    colDiv: number,
    rows: readonly number[] | null = null,
  ) => {
    if (!rowAcc && !colAcc) return;
    const info = ck.info(name);
    const k = info.shape[1];
    const cols = colAcc ? (colDiv === 1 ? colAcc : new Float64Array(k)) : undefined;
    const rowSums = new Float64Array(Math.max(1, Math.floor(DEFAULT_CHUNK_BYTES / (k * 2))) + 1);
    const table = tableFor(info.dtype);
    for await (const chunk of readRowChunks(ck, name, rows)) {
      bytes += chunk.data.byteLength;
      const n = chunk.rows.length;
      const sums = n <= rowSums.length ? rowSums : new Float64Array(n);
      if (table && chunk.data.byteOffset % 2 === 0) {
        accumulateBits(new Uint16Array(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength / 2), n, k, table, sums, cols);
      } else {
        accumulate(toFloat32(chunk.data, info.dtype, scratch), n, k, sq, sums, cols);
      }
      if (rowAcc) for (let r = 0; r < n; r++) rowAcc[Math.floor(chunk.rows[r] / rowDiv)] += sums[r];
    }
    if (colAcc && cols !== colAcc) for (let j = 0; j < k; j++) colAcc[Math.floor(j / colDiv)] += cols![j];
    o.onRead?.(bytes);
  };

  for (let i = 0; i < o.layers.length; i++) {
    const w = (leaf: string) => layerName(o.layers[i], leaf);
    const heads = s.heads?.[i];
    const kv = s.kvHeads?.[i];
    const ffn = s.ffn?.[i];
    await reduce(w('self_attn.q_proj.weight'), heads, d, hidden, 1);
    await reduce(w('self_attn.k_proj.weight'), kv, d, hidden, 1);
    await reduce(w('self_attn.v_proj.weight'), kv, d, hidden, 1);
    await reduce(w('self_attn.o_proj.weight'), hidden, 1, heads, d);
    await reduce(w('mlp.gate_proj.weight'), ffn, 1, hidden, 1);
    await reduce(w('mlp.up_proj.weight'), ffn, 1, hidden, 1);
    await reduce(w('mlp.down_proj.weight'), hidden, 1, ffn, 1);
    if (hidden) {
      for (const leaf of ['input_layernorm.weight', 'post_attention_layernorm.weight']) {
        const nw = await ck.readTensorAsFloat32(w(leaf));
        for (let j = 0; j < nw.length; j++) hidden[j] += sq ? nw[j] * nw[j] : Math.abs(nw[j]);
      }
    }
  }
  if (hidden) {
    const nw = await ck.readTensorAsFloat32(FINAL_NORM);
    for (let j = 0; j < nw.length; j++) hidden[j] += sq ? nw[j] * nw[j] : Math.abs(nw[j]);
    await reduce(EMBED, undefined, 1, hidden, 1, o.vocabRows);
    if (o.headTensor !== EMBED) await reduce(o.headTensor, undefined, 1, hidden, 1, o.vocabRows);
  }
  addHeadsToGroups(s, c.numHeads, c.numKvHeads);
  if (sq) mapScores(s, Math.sqrt);
  return s;
}
