// Elementwise programs of the compiled step, one invocation per output entry (or entry pair).
//   rotary    half-split RoPE (Hugging Face's rotate_half) on the query and key columns of the
//             fused QKV matrix, in place; backward applies the transpose (sin negated)
//   swiglu    h = silu(g) u from the fused (gate | up) matrix; backward gives (dg | du)
//   embedding x_r = E[id_r]
import { type BindingSpec, grid, kernel, type Kernel } from './wgsl';

const WG = 256;

/** One invocation per entry `idx` of `count`: the shape every program here shares. */
function perEntry(label: string, bindings: BindingSpec[], count: number, decls: string, body: string): Kernel {
  return kernel({
    label,
    bindings,
    workgroupSize: WG,
    decls: `const N = ${count}; ${decls}`,
    body: `
  let idx = wg * ${WG} + lx;
  if (idx < N) {${body}
  }`,
    workgroups: grid(Math.ceil(count / WG)),
  });
}

export interface RotaryShape {
  rows: number;
  seq: number;
  heads: number;
  kvHeads: number;
  headDim: number;
}

/** In place on `qkv` (rows, (H + 2 KV) D): rotates the H query and KV key heads of every row by its position (row % seq). */
export function rotary({ rows, seq, heads, kvHeads, headDim }: RotaryShape, inverse: boolean): Kernel {
  const half = headDim / 2;
  const rotated = heads + kvHeads;
  const count = rows * rotated * half;
  return perEntry(
    `rotary ${inverse ? 'backward' : 'forward'} ${rows}x${rotated}x${headDim}`,
    [{ name: 'qkv', write: true }, { name: 'cosT' }, { name: 'sinT' }],
    count,
    `const HALF = ${half}; const D = ${headDim}; const HEADS = ${rotated}; const W = ${(heads + 2 * kvHeads) * headDim}; const T = ${seq};`,
    `
    let i = idx % HALF;
    let rh = idx / HALF;
    let row = rh / HEADS;
    let o = row * W + (rh % HEADS) * D + i;
    let t = row % T;
    let c = cosT[t * D + i];
    let s = ${inverse ? '-' : ''}sinT[t * D + i];
    let x1 = qkv[o];
    let x2 = qkv[o + HALF];
    qkv[o] = x1 * c - x2 * s;
    qkv[o + HALF] = x2 * c + x1 * s;`,
  );
}

/** h (rows, F) = silu(gate) * up, from gu (rows, 2F) = (gate | up). */
export function swigluForward(rows: number, ffn: number): Kernel {
  const count = rows * ffn;
  return perEntry(
    `swiglu forward ${rows}x${ffn}`,
    [{ name: 'gu' }, { name: 'h', write: true }],
    count,
    `const F = ${ffn};`,
    `
    let o = (idx / F) * 2 * F + idx % F;
    let g = gu[o];
    h[idx] = g / (1.0 + exp(-g)) * gu[o + F];`,
  );
}

/** dgu (rows, 2F) = (dgate | dup) from dh (rows, F) and gu. */
export function swigluBackward(rows: number, ffn: number): Kernel {
  const count = rows * ffn;
  return perEntry(
    `swiglu backward ${rows}x${ffn}`,
    [{ name: 'gu' }, { name: 'dh' }, { name: 'dgu', write: true }],
    count,
    `const F = ${ffn};`,
    `
    let o = (idx / F) * 2 * F + idx % F;
    let g = gu[o];
    let u = gu[o + F];
    let sg = 1.0 / (1.0 + exp(-g));
    let d = dh[idx];
    dgu[o] = d * u * sg * (1.0 + g * (1.0 - sg));
    dgu[o + F] = d * g * sg;`,
  );
}

/** x (rows, C) = table[ids]; `batch` holds the ids at offset 0. */
export function embeddingGather(rows: number, cols: number): Kernel {
  const count = rows * cols;
  return perEntry(
    `embedding gather ${rows}x${cols}`,
    [{ name: 'table' }, { name: 'batch', type: 'i32' }, { name: 'x', write: true }],
    count,
    `const C = ${cols};`,
    `
    x[idx] = table[batch[idx / C] * C + idx % C];`,
  );
}

/**
 * The embedding gradient, added to `dtable`: one workgroup per distinct id of the micro-batch.
 * `batch` lists, from `layoutAt`, the distinct ids (`rows` slots), then where each id's positions
 * start in the sorted-positions list (rows + 1), then that list (rows), then the count of distinct
 * ids. Positions are summed in order: deterministic, and work is rows x C whatever the vocabulary.
 */
export function embeddingScatter(rows: number, cols: number, layoutAt: number): Kernel {
  const wg = 64;
  return kernel({
    label: `embedding scatter ${rows}x${cols}`,
    bindings: [{ name: 'dx' }, { name: 'batch', type: 'i32' }, { name: 'dtable', write: true }],
    workgroupSize: wg,
    decls: `const R = ${rows}; const C = ${cols};
const UNIQUE = ${layoutAt}; const STARTS = ${layoutAt + rows}; const POS = ${layoutAt + 2 * rows + 1}; const COUNT = ${layoutAt + 3 * rows + 1};`,
    body: `
  if (wg < batch[COUNT]) {
    let id = batch[UNIQUE + wg];
    let lo = batch[STARTS + wg];
    let hi = batch[STARTS + wg + 1];
    for (var c = lx; c < C; c = c + ${wg}) {
      var s = 0.0;
      for (var k = lo; k < hi; k++) { s = s + dx[batch[POS + k] * C + c]; }
      dtable[id * C + c] = dtable[id * C + c] + s;
    }
  }`,
    workgroups: grid(rows),
  });
}
