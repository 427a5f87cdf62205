// The inheritance plan: which source units every target unit comes from, and (for learned masks)
// the mask values folded into the weights. Selections are lists of source indices in ascending
// order, so kept units keep their relative order: kept query heads stay inside their KV group and
// target head h' reads target KV head floor(h' / (H' / KV')), as transformers' repeat_kv expects.
import type { LlamaConfig } from '@tinylm/arch-config';
import { TargetShapeError } from './errors';

/** What one target layer takes from its source layer. */
export interface LayerPlan {
  /** Source layer index. */
  readonly source: number;
  /** Source query heads kept, ascending (length numHeads'), grouped by KV head. */
  readonly heads: readonly number[];
  /** Source KV heads kept, ascending (length numKvHeads'). */
  readonly kvHeads: readonly number[];
  /** Source FFN neurons kept, ascending (length intermediateSize'). */
  readonly ffn: readonly number[];
}

/** Mask values (learned criterion) multiplied into the kept weights; absent entries mean 1. */
export interface FoldScales {
  /** Per target layer: multiplies the layer's residual writes (o_proj and down_proj). */
  readonly layer?: readonly number[];
  /** Per target layer, per kept query head: multiplies the head's o_proj columns. */
  readonly heads?: readonly (readonly number[])[];
  /** Per target layer, per kept neuron: multiplies down_proj columns. */
  readonly ffn?: readonly (readonly number[])[];
  /** Per kept hidden channel: multiplies embedding columns and o_proj / down_proj rows. */
  readonly hidden?: readonly number[];
  /** Multiplies every RMSNorm weight: sqrt(C / C') keeps the mean over fewer channels equal. */
  readonly norm?: number;
}

/** A complete plan: the output config and where every unit comes from. */
export interface InheritPlan {
  readonly source: LlamaConfig;
  readonly target: LlamaConfig;
  readonly layers: readonly LayerPlan[];
  /** Source hidden channels kept, ascending (length hiddenSize'). */
  readonly hidden: readonly number[];
  /** Source token id of every new id (length vocabSize'), or null to keep the vocabulary as it is. */
  readonly vocab: Int32Array | null;
  readonly scales?: FoldScales;
}

/** 0, 1, ..., n - 1. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Indices of the `k` largest scores, returned in ascending index order. Ties go to the lower
 * index (stable), so equal scores (e.g. an untrained model) keep the first units.
 */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  const idx = range(scores.length);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx.slice(0, k).sort((a, b) => a - b);
}

/**
 * Whole-head selection under grouped-query attention. Source: `h` query heads in `kv` groups of
 * g = h / kv (query head q reads KV head floor(q / g)). Keeps the `kvT` groups with the largest
 * `groupScores`, then inside each kept group the gT = hT / kvT query heads with the largest
 * `headScores`: whole KV groups when KV heads shrink, equal numbers of query heads per group when
 * only query heads shrink. `groupScores` may be omitted when every group is kept.
 */
export function selectHeads(
  headScores: ArrayLike<number>,
  groupScores: ArrayLike<number> | undefined,
  h: number,
  kv: number,
  hT: number,
  kvT: number,
): { heads: number[]; kvHeads: number[] } {
  const g = h / kv;
  const gT = hT / kvT;
  if (!Number.isInteger(gT) || gT > g) {
    throw new TargetShapeError(`numHeads / numKvHeads = ${hT} / ${kvT}: need a whole number <= the source's ${g} query heads per KV head`, {
      field: 'numKvHeads',
    });
  }
  const kvHeads = kvT === kv ? range(kv) : topK(groupScores ?? new Float64Array(kv), kvT);
  const heads: number[] = [];
  for (const group of kvHeads) {
    const local = Array.from({ length: g }, (_, j) => headScores[group * g + j]);
    for (const j of topK(local, gT)) heads.push(group * g + j);
  }
  return { heads, kvHeads };
}

/** Keeps everything: the plan of a target with the source's shape. */
export function identityLayerPlan(source: LlamaConfig, layer: number): LayerPlan {
  return { source: layer, heads: range(source.numHeads), kvHeads: range(source.numKvHeads), ffn: range(source.intermediateSize) };
}
