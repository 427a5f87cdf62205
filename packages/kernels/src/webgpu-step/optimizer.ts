// Global-norm clipping and AdamW over whole parameter arenas (every tensor of the model laid end
// to end in a few large buffers): one partial-sum program per arena, one program for the norm,
// one AdamW program per arena, whatever the number of tensors.
//   stats (per step, cleared):  [0] loss, [1] sum of squared gradients, [2] norm, [3] clip factor
//   state (kept):               [0] 1 once a step had a non-finite loss or norm (no update since)
//   hyper (written each step):  [0] lr / bc1, [1] sqrt(bc2), [2] 1 - lr wd
// AdamW is torch.optim.AdamW's: p = p (1 - lr wd) - (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps),
// on the gradient times the clip factor min(1, clip / (norm + 1e-6)) (clip_grad_norm_).
import { f32, grid, kernel, type Kernel, NOT_FINITE, treeReduce } from './wgsl';

const WG = 256;
/** Gradient entries each partial-sum workgroup covers. */
export const SUMSQ_SPAN = WG * 64;

/** Sums of squares of `grads[0..n)` into partials[at + w], one per workgroup w. */
export function sumSquaresPartial(n: number, at: number): Kernel {
  return kernel({
    label: `sum of squares ${n} @${at}`,
    bindings: [{ name: 'grads' }, { name: 'partials', write: true }],
    workgroupSize: WG,
    decls: `const N = ${n};
var<workgroup> red : array<f32, ${WG}>;`,
    body: `
  let base = wg * ${SUMSQ_SPAN};
  var s = 0.0;
  for (var k = 0; k < ${SUMSQ_SPAN / WG}; k++) {
    let i = base + k * ${WG} + lx;
    if (i < N) { let g = grads[i]; s = s + g * g; }
  }
  red[lx] = s;
  ${treeReduce(WG)}
  if (lx == 0 && base < N) { partials[${at} + wg] = red[0]; }`,
    workgroups: grid(Math.ceil(n / SUMSQ_SPAN)),
  });
}

/** Partials of `count` entries -> norm and clip factor in stats; sets state[0] on a non-finite loss or norm. */
export function gradNorm(count: number, clip: number): Kernel {
  const clipping = clip > 0 && clip < Infinity;
  return kernel({
    label: `grad norm ${count}`,
    bindings: [{ name: 'partials' }, { name: 'stats', write: true }, { name: 'state', write: true }],
    workgroupSize: WG,
    decls: `const P = ${count};
var<workgroup> red : array<f32, ${WG}>;
${NOT_FINITE}`,
    body: `
  var s = 0.0;
  for (var i = lx; i < P; i = i + ${WG}) { s = s + partials[i]; }
  red[lx] = s;
  ${treeReduce(WG)}
  if (lx == 0) {
    let norm = sqrt(red[0]);
    stats[1] = red[0];
    stats[2] = norm;
    stats[3] = ${clipping ? `min(1.0, ${f32(clip)} / (norm + 1e-6))` : '1.0'};
    if (notFinite(stats[0]) || notFinite(norm)) { state[0] = 1.0; }
  }`,
    workgroups: [1, 1, 1],
  });
}

export interface AdamWConstants {
  beta1: number;
  beta2: number;
  eps: number;
}

/** AdamW on one arena of `n` entries; entries before `decayEnd` get weight decay. */
export function adamwArena(n: number, decayEnd: number, { beta1, beta2, eps }: AdamWConstants): Kernel {
  return kernel({
    label: `adamw ${n} (decay < ${decayEnd})`,
    bindings: [
      { name: 'param', write: true },
      { name: 'grads' },
      { name: 'm', write: true },
      { name: 'v', write: true },
      { name: 'stats' },
      { name: 'state' },
      { name: 'hyper' },
    ],
    workgroupSize: WG,
    decls: `const N = ${n}; const DECAY_END = ${decayEnd};
const B1 = ${f32(beta1)}; const B2 = ${f32(beta2)}; const EPS = ${f32(eps)};
// 1 - beta rounded from float64 (as torch does): 1.0 - B2 in f32 is 1 - fround(0.999), 1.3e-5 off 0.001
const OMB1 = ${f32(1 - beta1)}; const OMB2 = ${f32(1 - beta2)};`,
    body: `
  let i = wg * ${WG} + lx;
  if (i < N && state[0] == 0.0) {
    let g = grads[i] * stats[3];
    let m1 = B1 * m[i] + OMB1 * g;
    let v1 = B2 * v[i] + OMB2 * g * g;
    m[i] = m1;
    v[i] = v1;
    let keep = select(1.0, hyper[2], i < DECAY_END);
    param[i] = param[i] * keep - hyper[0] * m1 / (sqrt(v1) / hyper[1] + EPS);
  }`,
    workgroups: grid(Math.ceil(n / WG)),
  });
}

/** loss += sum(rowLoss) * scale (the micro-batch's 1 / (valid targets x micro-batches), f32 bits in batch[scaleAt]). */
export function lossSum(rows: number, scaleAt: number): Kernel {
  return kernel({
    label: `loss ${rows}`,
    bindings: [{ name: 'rowLoss' }, { name: 'batch', type: 'i32' }, { name: 'stats', write: true }],
    workgroupSize: WG,
    decls: `const R = ${rows};
var<workgroup> red : array<f32, ${WG}>;`,
    body: `
  var s = 0.0;
  for (var i = lx; i < R; i = i + ${WG}) { s = s + rowLoss[i]; }
  red[lx] = s;
  ${treeReduce(WG)}
  if (lx == 0) { stats[0] = stats[0] + red[0] * bitcast<f32>(batch[${scaleAt}]); }`,
    workgroups: [1, 1, 1],
  });
}
