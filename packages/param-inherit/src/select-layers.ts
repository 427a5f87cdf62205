// Depth: which source layers the target keeps (in source order).
// - uniform: every (L / L')-th layer, starting at layer 0: floor(i L / L').
// - first-last: the first a and the last b = L' - a layers, dropping the middle; the PanGu-π Pro
//   finding (docs/method.md section 3: layers near the beginning and the end matter more).
// - block-influence (ShortGPT, Men et al. 2024, arXiv 2403.03853): BI_l = 1 - mean over
//   calibration tokens of cos(h_in, h_out) of layer l; the L - L' least influential layers go
//   (scores come from block-influence.ts).
// - learned: the L' largest hard-concrete log-alphas (learned-masks.ts).
import { InheritOptionError } from './errors';
import { range, topK } from './plan';

/** Depth criteria. */
export type LayerCriterion = 'uniform' | 'first-last' | 'block-influence' | 'learned';
export const LAYER_CRITERIA: readonly LayerCriterion[] = Object.freeze(['uniform', 'first-last', 'block-influence', 'learned']);

/** floor(i L / L') for i < L': evenly spaced, starting at the first layer. */
export function uniformLayers(l: number, lT: number): number[] {
  return range(lT).map((i) => Math.floor((i * l) / lT));
}

/**
 * The first `first` and the last `lT - first` of `l` layers. Default `first` = ceil(lT / 2).
 * Throws `InheritOptionError` naming `keepFirst` when it is outside [0, lT].
 */
export function firstLastLayers(l: number, lT: number, first = Math.ceil(lT / 2)): number[] {
  if (!Number.isInteger(first) || first < 0 || first > lT) {
    throw new InheritOptionError(`keepFirst = ${first} is invalid: allowed integers 0..${lT} (the target's numLayers)`, {
      field: 'keepFirst',
    });
  }
  return [...range(first), ...range(lT - first).map((i) => l - (lT - first) + i)];
}

/** The lT layers with the largest scores (block influence or log-alpha), in source order. */
export function topLayers(scores: ArrayLike<number>, lT: number): number[] {
  return topK(scores, lT);
}
