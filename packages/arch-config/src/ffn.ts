// FFN (SwiGLU intermediate) size from an expansion rate, as InternEvo computes it, and back.
// Follows InternEvo (the PanGu-π Pro authors' training framework):
//  - internlm/model/modeling_llama.py, PackedFlashLlamaLayer1D: the MLP is built with
//    `hidden_features = int(hidden_size * mlp_ratio)`;
//  - internlm/model/modules/mlp.py, FeedForward(multiple_of=256): rounds it up,
//    `hidden_features = multiple_of * ((hidden_features + multiple_of - 1) // multiple_of)`.
// So configs/LLM1B.py (hidden 1792, MLP_RATIO = 8 / 3) gets int(4778.67) = 4778 -> 4864.
// Python floats and JS numbers are both IEEE-754 doubles, so `Math.trunc(h * r)` here equals
// `int(h * r)` there for every positive h and r: the sizes match InternEvo bit for bit.

/** InternEvo's FeedForward default `multiple_of`. */
export const INTERNEVO_MULTIPLE_OF = 256;

/**
 * FFN intermediate size from `mlpRatio`, InternEvo's rule:
 * `multipleOf * ceil(trunc(hiddenSize * mlpRatio) / multipleOf)`.
 *
 * @example ffnFromMlpRatio(2048, 8 / 3) // 5632 (PanGu-π-1B, TinyLlama, LLaMA's own rule too)
 */
export function ffnFromMlpRatio(hiddenSize: number, mlpRatio: number, multipleOf: number = INTERNEVO_MULTIPLE_OF): number {
  const hidden = Math.trunc(hiddenSize * mlpRatio); // int(hidden_size * mlp_ratio)
  return multipleOf * Math.floor((hidden + multipleOf - 1) / multipleOf);
}

/** An `mlp_ratio` that reproduces a given FFN size, written as Python source. */
export interface MlpRatioFit {
  /** The ratio as a double: `numerator / denominator`. */
  readonly ratio: number;
  readonly numerator: number;
  readonly denominator: number;
  /** Python source that evaluates to exactly `ratio`, e.g. `8 / 3` or `3`. */
  readonly python: string;
}

/**
 * The simplest fraction p/q (smallest q, then p closest to `intermediateSize / hiddenSize`) whose
 * double value `r` gives `ffnFromMlpRatio(hiddenSize, r, multipleOf) === intermediateSize`.
 * Returns `undefined` when none exists: always when `intermediateSize` is not a multiple of
 * `multipleOf`, since the rounding only produces multiples.
 */
export function mlpRatioFor(
  hiddenSize: number,
  intermediateSize: number,
  multipleOf: number = INTERNEVO_MULTIPLE_OF,
  maxDenominator = 64,
): MlpRatioFit | undefined {
  if (intermediateSize % multipleOf !== 0 || hiddenSize <= 0) return undefined;
  const target = intermediateSize / hiddenSize;
  for (let q = 1; q <= maxDenominator; q++) {
    // trunc(h * p/q) must land in (I - multipleOf, I]; scan p around that window (±1 for rounding).
    const lo = Math.floor(((intermediateSize - multipleOf + 1) * q) / hiddenSize) - 1;
    const hi = Math.ceil(((intermediateSize + 1) * q) / hiddenSize) + 1;
    let best: MlpRatioFit | undefined;
    for (let p = Math.max(1, lo); p <= hi; p++) {
      if (gcd(p, q) !== 1) continue;
      const ratio = p / q;
      if (ffnFromMlpRatio(hiddenSize, ratio, multipleOf) !== intermediateSize) continue;
      if (!best || Math.abs(ratio - target) < Math.abs(best.ratio - target)) {
        best = { ratio, numerator: p, denominator: q, python: q === 1 ? `${p}` : `${p} / ${q}` };
      }
    }
    if (best) return best;
  }
  return undefined;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
