// Causal grouped-query attention for the compiled step, flash-style and tiled in workgroup
// memory: keys and values (forward, dQ) or queries and output gradients (dK, dV) are staged a
// tile at a time in workgroup memory and shared by a block of 64 rows, one row per invocation.
// No (T, T) score matrix exists anywhere: the forward keeps an online max and sum (the row's
// log-sum-exp is kept for the backward), the backward recomputes P from Q, K and the lse.
// Q, K and V are read where the fused QKV projection put them: row (b, t) of a (B*T, (H + 2 KV) D)
// matrix, query head h at column h D, KV head g at (H + g) D (keys) and (H + KV + g) D (values).
// Query head h reads KV head floor(h / (H / KV)). Attention output and its gradient: (B*T, H D).
//   forward   O_i = sum_j P_ij V_j,  P_ij = exp(s_ij - lse_i),  s_ij = scale q_i . k_j (j <= i)
//   backward  delta_i = dO_i . O_i,  dS_ij = P_ij (dO_i . V_j - delta_i)
//             dQ_i = scale sum_j dS_ij K_j,  dK_j = scale sum_i dS_ij Q_i,  dV_j = sum_i P_ij dO_i
// dK and dV sum over the group's query heads, then queries, in that fixed order.
import { f32, grid, kernel, type Kernel } from './wgsl';

export interface AttentionShape {
  batch: number;
  seq: number;
  heads: number;
  kvHeads: number;
  headDim: number;
}

const ROWS = 64; // rows per workgroup, one per invocation
const STAGE_FLOATS = 2048; // floats staged per tile pair: 16 KiB, the WebGPU default limit is 16 KiB

/** Keys (or queries) per staged tile: two (tile, D) arrays fill at most 8 KiB each. */
export function attentionTile(headDim: number): number {
  return Math.max(1, Math.min(32, Math.floor(STAGE_FLOATS / 2 / headDim)));
}

function common(s: AttentionShape): string {
  const { seq, heads, kvHeads, headDim } = s;
  const width = (heads + 2 * kvHeads) * headDim;
  return `
const T = ${seq}; const H = ${heads}; const KV = ${kvHeads}; const D = ${headDim};
const W = ${width}; const GROUP = ${heads / kvHeads}; const SCALE = ${f32(1 / Math.sqrt(headDim))};
const BLOCKS = ${Math.ceil(seq / ROWS)};
fn qAt(b : i32, h : i32, t : i32) -> i32 { return (b * T + t) * W + h * D; }
fn kAt(b : i32, g : i32, t : i32) -> i32 { return (b * T + t) * W + (H + g) * D; }
fn vAt(b : i32, g : i32, t : i32) -> i32 { return (b * T + t) * W + (H + KV + g) * D; }
fn oAt(b : i32, h : i32, t : i32) -> i32 { return (b * T + t) * H * D + h * D; }`;
}

/** Forward and dQ: workgroup = (query block, b h), invocation = query row i of head h, KV head g. */
const QUERY_ROW = `let block = wg % BLOCKS; let bh = wg / BLOCKS;
  let b = bh / H; let h = bh % H; let g = h / GROUP;
  let i = block * ${ROWS} + lx;
  let valid = i < T;`;

/** Stages keys j0 .. j0 + BK - 1 of KV head g (clamped at T - 1) and their values in workgroup memory. */
const STAGE_KV = `for (var e = lx; e < BK * D; e = e + ${ROWS}) {
      let jj = min(j0 + e / D, T - 1);
      Ks[e] = qkv[kAt(b, g, jj) + e % D];
      Vs[e] = qkv[vAt(b, g, jj) + e % D];
    }`;

function check(s: AttentionShape): void {
  if (s.heads % s.kvHeads !== 0) throw new Error(`attention: ${s.heads} heads are not a multiple of ${s.kvHeads} KV heads`);
}

/** Forward: O (B*T, H D) and lse (B, H, T) in one pass. Grid: (query block, b h). */
export function attentionForward(s: AttentionShape): Kernel {
  check(s);
  const bk = attentionTile(s.headDim);
  return kernel({
    label: `attention forward T${s.seq} H${s.heads}/${s.kvHeads} D${s.headDim}`,
    bindings: [{ name: 'qkv' }, { name: 'att', write: true }, { name: 'lse', write: true }],
    workgroupSize: ROWS,
    decls: `${common(s)}
const BK = ${bk};
var<workgroup> Ks : array<f32, ${bk * s.headDim}>;
var<workgroup> Vs : array<f32, ${bk * s.headDim}>;`,
    body: `
  ${QUERY_ROW}
  var q : array<f32, D>;
  var acc : array<f32, D>;
  if (valid) { let qo = qAt(b, h, i); for (var e = 0; e < D; e++) { q[e] = qkv[qo + e] * SCALE; } }
  var m = -3.0e38;
  var l = 0.0;
  let last = min(T - 1, block * ${ROWS} + ${ROWS - 1});
  for (var j0 = 0; j0 <= last; j0 = j0 + BK) {
    ${STAGE_KV}
    workgroupBarrier();
    if (valid) {
      for (var jj = 0; jj < BK; jj++) {
        let j = j0 + jj;
        if (j <= i) {
          var sc = 0.0;
          for (var e = 0; e < D; e++) { sc = sc + q[e] * Ks[jj * D + e]; }
          let mNew = max(m, sc);
          let corr = exp(m - mNew);
          let p = exp(sc - mNew);
          l = l * corr + p;
          for (var e = 0; e < D; e++) { acc[e] = acc[e] * corr + p * Vs[jj * D + e]; }
          m = mNew;
        }
      }
    }
    workgroupBarrier();
  }
  if (valid) {
    let oo = oAt(b, h, i);
    for (var e = 0; e < D; e++) { att[oo + e] = acc[e] / l; }
    lse[(b * H + h) * T + i] = m + log(l);
  }`,
    workgroups: grid(Math.ceil(s.seq / ROWS) * s.batch * s.heads),
  });
}

/** dQ into the query columns of dqkv, and delta (B, H, T) for the dK/dV program. Grid: (query block, b h). */
export function attentionGradQ(s: AttentionShape): Kernel {
  check(s);
  const bk = attentionTile(s.headDim);
  return kernel({
    label: `attention dq T${s.seq} H${s.heads}/${s.kvHeads} D${s.headDim}`,
    bindings: [
      { name: 'qkv' },
      { name: 'attnOut' },
      { name: 'dOut' },
      { name: 'lse' },
      { name: 'delta', write: true },
      { name: 'dqkv', write: true },
    ],
    workgroupSize: ROWS,
    decls: `${common(s)}
const BK = ${bk};
var<workgroup> Ks : array<f32, ${bk * s.headDim}>;
var<workgroup> Vs : array<f32, ${bk * s.headDim}>;`,
    body: `
  ${QUERY_ROW}
  var q : array<f32, D>;
  var gq : array<f32, D>;
  var acc : array<f32, D>;
  var dl = 0.0;
  var li = 0.0;
  if (valid) {
    let qo = qAt(b, h, i); let oo = oAt(b, h, i);
    for (var e = 0; e < D; e++) { q[e] = qkv[qo + e] * SCALE; gq[e] = dOut[oo + e]; dl = dl + gq[e] * attnOut[oo + e]; }
    li = lse[(b * H + h) * T + i];
    delta[(b * H + h) * T + i] = dl;
  }
  let last = min(T - 1, block * ${ROWS} + ${ROWS - 1});
  for (var j0 = 0; j0 <= last; j0 = j0 + BK) {
    ${STAGE_KV}
    workgroupBarrier();
    if (valid) {
      for (var jj = 0; jj < BK; jj++) {
        if (j0 + jj <= i) {
          var sc = 0.0;
          var dp = 0.0;
          for (var e = 0; e < D; e++) { sc = sc + q[e] * Ks[jj * D + e]; dp = dp + gq[e] * Vs[jj * D + e]; }
          let ds = exp(sc - li) * (dp - dl);
          for (var e = 0; e < D; e++) { acc[e] = acc[e] + ds * Ks[jj * D + e]; }
        }
      }
    }
    workgroupBarrier();
  }
  if (valid) { let qo = qAt(b, h, i); for (var e = 0; e < D; e++) { dqkv[qo + e] = acc[e] * SCALE; } }`,
    workgroups: grid(Math.ceil(s.seq / ROWS) * s.batch * s.heads),
  });
}

/** dK and dV into the key and value columns of dqkv. Grid: (key block, b g). Runs after attentionGradQ (reads delta). */
export function attentionGradKV(s: AttentionShape): Kernel {
  check(s);
  const bq = attentionTile(s.headDim);
  return kernel({
    label: `attention dkv T${s.seq} H${s.heads}/${s.kvHeads} D${s.headDim}`,
    bindings: [{ name: 'qkv' }, { name: 'dOut' }, { name: 'lse' }, { name: 'delta' }, { name: 'dqkv', write: true }],
    workgroupSize: ROWS,
    decls: `${common(s)}
const BQ = ${bq};
var<workgroup> Qs : array<f32, ${bq * s.headDim}>;
var<workgroup> Gs : array<f32, ${bq * s.headDim}>;
var<workgroup> Ls : array<f32, ${bq}>;
var<workgroup> Ds : array<f32, ${bq}>;`,
    body: `
  let block = wg % BLOCKS; let bg = wg / BLOCKS;
  let b = bg / KV; let g = bg % KV;
  let j = block * ${ROWS} + lx;
  let valid = j < T;
  var kr : array<f32, D>;
  var vr : array<f32, D>;
  var dk : array<f32, D>;
  var dv : array<f32, D>;
  if (valid) { let ko = kAt(b, g, j); let vo = vAt(b, g, j); for (var e = 0; e < D; e++) { kr[e] = qkv[ko + e] * SCALE; vr[e] = qkv[vo + e]; } }
  let first = block * ${ROWS};
  for (var h = g * GROUP; h < (g + 1) * GROUP; h++) {
    for (var i0 = first; i0 < T; i0 = i0 + BQ) {
      for (var e = lx; e < BQ * D; e = e + ${ROWS}) {
        let ii = min(i0 + e / D, T - 1);
        Qs[e] = qkv[qAt(b, h, ii) + e % D];
        Gs[e] = dOut[oAt(b, h, ii) + e % D];
      }
      for (var e = lx; e < BQ; e = e + ${ROWS}) {
        let ii = min(i0 + e, T - 1);
        Ls[e] = lse[(b * H + h) * T + ii];
        Ds[e] = delta[(b * H + h) * T + ii];
      }
      workgroupBarrier();
      if (valid) {
        for (var ii = 0; ii < BQ; ii++) {
          let i = i0 + ii;
          if (i >= j && i < T) {
            var sc = 0.0;
            var dp = 0.0;
            for (var e = 0; e < D; e++) { sc = sc + Qs[ii * D + e] * kr[e]; dp = dp + Gs[ii * D + e] * vr[e]; }
            let p = exp(sc - Ls[ii]);
            let ds = p * (dp - Ds[ii]);
            for (var e = 0; e < D; e++) { dv[e] = dv[e] + p * Gs[ii * D + e]; dk[e] = dk[e] + ds * Qs[ii * D + e]; }
          }
        }
      }
      workgroupBarrier();
    }
  }
  if (valid) {
    let ko = kAt(b, g, j); let vo = vAt(b, g, j);
    for (var e = 0; e < D; e++) { dqkv[ko + e] = dk[e] * SCALE; dqkv[vo + e] = dv[e]; }
  }`,
    workgroups: grid(Math.ceil(s.seq / ROWS) * s.batch * s.kvHeads),
  });
}
