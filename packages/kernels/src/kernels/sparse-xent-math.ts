// Sparse softmax cross-entropy on flat float32 rows, shared by the cpu and wasm kernels (they
// differ only in where the memory lives). One pass per row for the loss, one for the gradient;
// no one-hot of the vocabulary is ever built. Rows whose target is `ignoreIndex` get loss 0 and a
// zero gradient row.
import { expf } from './math/exp';

/** loss[i] = logsumexp(logits[i]) - logits[i, t_i]; lse[i] is kept for the backward pass. */
export function sparseXentForward(
  logits: Float32Array, // (N, V)
  targets: Int32Array, // (N)
  n: number,
  v: number,
  ignoreIndex: number,
  loss: Float32Array, // (N) out
  lse: Float32Array, // (N) out
): void {
  for (let i = 0; i < n; i++) {
    const t = targets[i];
    const base = i * v;
    let max = -Infinity;
    for (let j = 0; j < v; j++) if (logits[base + j] > max) max = logits[base + j];
    let sum = 0;
    for (let j = 0; j < v; j++) sum += expf(logits[base + j] - max);
    const l = max + Math.log(sum);
    lse[i] = l;
    if (t === ignoreIndex) loss[i] = 0;
    else if (t < 0 || t >= v)
      loss[i] = NaN; // out-of-range target: surfaces as a NaN loss
    else loss[i] = l - logits[base + t];
  }
}

/** dlogits[i, j] = (softmax(logits[i])_j - [j == t_i]) * dy[i]. */
export function sparseXentBackward(
  logits: Float32Array, // (N, V)
  targets: Int32Array, // (N)
  lse: Float32Array, // (N)
  dy: Float32Array, // (N)
  n: number,
  v: number,
  ignoreIndex: number,
  out: Float32Array, // (N, V) out
): void {
  for (let i = 0; i < n; i++) {
    const t = targets[i];
    const base = i * v;
    if (t === ignoreIndex) {
      out.fill(0, base, base + v);
      continue;
    }
    const g = dy[i];
    const l = lse[i];
    for (let j = 0; j < v; j++) out[base + j] = expf(logits[base + j] - l) * g;
    if (t >= 0 && t < v) out[base + t] -= g;
  }
}
