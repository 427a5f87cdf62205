// Row-wise programs of the compiled step, one workgroup of 64 invocations per row of a
// (rows, cols) matrix with a tree reduction in workgroup memory: RMSNorm forward and backward,
// and cross-entropy over the vocabulary fused with its gradient.
//   RMSNorm   rstd = 1 / sqrt(mean(x^2) + eps),  y = x rstd w
//             dx = rstd w dy - x rstd^3 / C sum_j(w_j dy_j x_j)   (added to the residual gradient
//             when `accumulate`), dw_j = sum_rows dy_j x_j rstd (added to the weight's gradient)
//   xent      loss_r = lse(z_r) - z_r[t_r];  dz_r = (softmax(z_r) - onehot(t_r)) * scale, in place
//             of the logits; targets < 0 (the -100 convention) give 0 loss and 0 gradient.
import { f32, grid, kernel, type Kernel, treeReduce } from './wgsl';

const WG = 64;

export function rmsNormForward(rows: number, cols: number, eps: number): Kernel {
  return kernel({
    label: `rmsnorm forward ${rows}x${cols}`,
    bindings: [{ name: 'x' }, { name: 'weight' }, { name: 'y', write: true }, { name: 'rstd', write: true }],
    workgroupSize: WG,
    decls: `const R = ${rows}; const C = ${cols};
var<workgroup> red : array<f32, ${WG}>;`,
    body: `
  let row = min(wg, R - 1);
  var s = 0.0;
  for (var c = lx; c < C; c = c + ${WG}) { let v = x[row * C + c]; s = s + v * v; }
  red[lx] = s;
  ${treeReduce(WG)}
  let r = 1.0 / sqrt(red[0] / f32(C) + ${f32(eps)});
  if (wg < R) {
    for (var c = lx; c < C; c = c + ${WG}) { y[row * C + c] = x[row * C + c] * r * weight[c]; }
    if (lx == 0) { rstd[row] = r; }
  }`,
    workgroups: grid(rows),
  });
}

/** dx of RMSNorm; `accumulate` adds it to dx (the residual stream's gradient). */
export function rmsNormGradX(rows: number, cols: number, accumulate: boolean): Kernel {
  return kernel({
    label: `rmsnorm dx ${rows}x${cols}${accumulate ? ' accumulate' : ''}`,
    bindings: [{ name: 'x' }, { name: 'weight' }, { name: 'rstd' }, { name: 'dy' }, { name: 'dx', write: true }],
    workgroupSize: WG,
    decls: `const R = ${rows}; const C = ${cols};
var<workgroup> red : array<f32, ${WG}>;`,
    body: `
  let row = min(wg, R - 1);
  var s = 0.0;
  for (var c = lx; c < C; c = c + ${WG}) { let o = row * C + c; s = s + weight[c] * dy[o] * x[o]; }
  red[lx] = s;
  ${treeReduce(WG)}
  let r = rstd[row];
  let k = red[0] * r * r * r / f32(C);
  if (wg < R) {
    for (var c = lx; c < C; c = c + ${WG}) {
      let o = row * C + c;
      let g = r * weight[c] * dy[o] - x[o] * k;
      dx[o] = ${accumulate ? 'dx[o] + g' : 'g'};
    }
  }`,
    workgroups: grid(rows),
  });
}

/** dweight of RMSNorm, added to `dw`: one invocation per column, rows summed in order. */
export function rmsNormGradWeight(rows: number, cols: number): Kernel {
  return kernel({
    label: `rmsnorm dw ${rows}x${cols}`,
    bindings: [{ name: 'x' }, { name: 'rstd' }, { name: 'dy' }, { name: 'dw', write: true }],
    workgroupSize: WG,
    decls: `const R = ${rows}; const C = ${cols};`,
    body: `
  let c = wg * ${WG} + lx;
  if (c < C) {
    var s = 0.0;
    for (var i = 0; i < R; i++) { s = s + dy[i * C + c] * x[i * C + c] * rstd[i]; }
    dw[c] = dw[c] + s;
  }`,
    workgroups: grid(Math.ceil(cols / WG)),
  });
}

/**
 * Cross-entropy rows: `logits` (rows, vocab) becomes its own gradient times `scale`, and
 * rowLoss[r] the row's loss. `batch` holds the micro-batch's targets at `targetsAt` and the
 * gradient scale (1 / (valid targets x micro-batches), as f32 bits) at `scaleAt`.
 */
export function crossEntropyRows(rows: number, vocab: number, targetsAt: number, scaleAt: number): Kernel {
  return kernel({
    label: `cross-entropy ${rows}x${vocab}`,
    bindings: [
      { name: 'logits', write: true },
      { name: 'batch', type: 'i32' },
      { name: 'rowLoss', write: true },
    ],
    workgroupSize: WG,
    decls: `const R = ${rows}; const V = ${vocab};
var<workgroup> red : array<f32, ${WG}>;`,
    body: `
  let row = min(wg, R - 1);
  var mx = -3.0e38;
  for (var c = lx; c < V; c = c + ${WG}) { mx = max(mx, logits[row * V + c]); }
  red[lx] = mx;
  ${treeReduce(WG, 'red', 'max')}
  let zmax = red[0];
  workgroupBarrier();
  var s = 0.0;
  for (var c = lx; c < V; c = c + ${WG}) { s = s + exp(logits[row * V + c] - zmax); }
  red[lx] = s;
  ${treeReduce(WG)}
  let lse = zmax + log(red[0]);
  let t = batch[${targetsAt} + row];
  let scale = bitcast<f32>(batch[${scaleAt}]);
  if (wg < R) {
    if (lx == 0) { rowLoss[row] = select(0.0, lse - logits[row * V + t], t >= 0); }
    workgroupBarrier();
    for (var c = lx; c < V; c = c + ${WG}) {
      let o = row * V + c;
      let p = exp(logits[o] - lse) - select(0.0, 1.0, c == t);
      logits[o] = select(0.0, p * scale, t >= 0);
    }
  }`,
    workgroups: grid(rows),
  });
}
