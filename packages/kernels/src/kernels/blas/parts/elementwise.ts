// Parts of the elementwise blas kernels (wasm SIMD): SwiGLU, Add/Sub/Multiply, AdamW, and the
// sum of squares behind the global gradient norm. A unit is ELEMENTS_PER_UNIT elements.
import type { Simd } from '../../simd/simd';
import { ELEMENTS_PER_UNIT, itemsOf, type Part } from './context';

/** Streams elements [start, end) of `ins` and `outs` through the tiles. */
function streamed(
  s: Simd,
  [start, end]: [number, number],
  ins: Float32Array[],
  outs: Float32Array[],
  kernel: (ptrs: number[], n: number) => void,
): void {
  const view = (data: Float32Array) => ({ data: data.subarray(start, end), width: 1 });
  s.tiled(end - start, ins.map(view), outs.map(view), (ptrs, _r, n) => kernel(ptrs, n));
}

const elements = (from: number, to: number, n: number) => itemsOf(from, to, ELEMENTS_PER_UNIT, n);

export interface SwigluFwdArgs {
  g: Float32Array;
  u: Float32Array;
  y: Float32Array;
}
export const swigluFwd: Part<SwigluFwdArgs> = ({ simd: s }, { g, u, y }, from, to) =>
  streamed(s, elements(from, to, g.length), [g, u], [y], ([pg, pu, py], n) => s.k.swigluFwd(pg, pu, py, n));

export interface SwigluBwdArgs {
  g: Float32Array;
  u: Float32Array;
  dy: Float32Array;
  dg: Float32Array;
  du: Float32Array;
}
export const swigluBwd: Part<SwigluBwdArgs> = ({ simd: s }, { g, u, dy, dg, du }, from, to) =>
  streamed(s, elements(from, to, g.length), [g, u, dy], [dg, du], ([pg, pu, pd, pdg, pdu], n) => s.k.swigluBwd(pg, pu, pd, pdg, pdu, n));

/** `op` is a code of simd binary(): 0 add, 1 sub, 2 multiply. */
export interface BinaryArgs {
  op: number;
  a: Float32Array;
  b: Float32Array;
  y: Float32Array;
}
export const binary: Part<BinaryArgs> = ({ simd: s }, { op, a, b, y }, from, to) =>
  streamed(s, elements(from, to, a.length), [a, b], [y], ([pa, pb, py], n) => s.k.binary(op, pa, pb, py, n));

/** `op` is a code of simd binaryScalar(): 0 add, 1 sub, 2 multiply, 3 subtract from the value. */
export interface BinaryScalarArgs {
  op: number;
  x: Float32Array;
  value: number;
  y: Float32Array;
}
export const binaryScalar: Part<BinaryScalarArgs> = ({ simd: s }, { op, x, value, y }, from, to) =>
  streamed(s, elements(from, to, x.length), [x], [y], ([px, py], n) => s.k.binaryScalar(op, px, value, py, n));

export interface AdamwArgs {
  p: Float32Array;
  g: Float32Array;
  m: Float32Array;
  v: Float32Array;
  pOut: Float32Array;
  mOut: Float32Array;
  vOut: Float32Array;
  scale: number;
  beta1: number;
  beta2: number;
  eps: number;
  keep: number;
  step: number;
  rootBc2: number;
}
/** p, m and v are updated in place in the tile, then copied out to the new tensors. */
export const adamw: Part<AdamwArgs> = ({ simd: s }, a, from, to) => {
  const [start, end] = elements(from, to, a.p.length);
  const outs = [a.pOut, a.mOut, a.vOut].map((x) => x.subarray(start, end));
  const view = (data: Float32Array) => ({ data: data.subarray(start, end), width: 1 });
  s.tiled(end - start, [a.p, a.g, a.m, a.v].map(view), [], ([pp, pg, pm, pv], r0, n) => {
    s.k.adamw(pp, pg, pm, pv, n, a.scale, a.beta1, a.beta2, a.eps, a.keep, a.step, a.rootBc2);
    [pp, pm, pv].forEach((ptr, i) => s.get(outs[i], ptr, r0, n));
  });
};

/**
 * The squared norm of several arrays: `partials[u]` is unit u's sum (the arrays' units in order,
 * `firstUnit[i]` the first of array i's); the caller adds the partials in order.
 */
export interface SumSquaresArgs {
  xs: Float32Array[];
  firstUnit: number[];
  partials: Float64Array;
}
export const sumSquares: Part<SumSquaresArgs> = ({ simd: s }, { xs, firstUnit, partials }, from, to) => {
  let i = 0;
  for (let unit = from; unit < to; unit++) {
    while (firstUnit[i + 1] <= unit) i++;
    const x = xs[i];
    const local = unit - firstUnit[i];
    let total = 0;
    streamed(s, elements(local, local + 1, x.length), [x], [], ([px], n) => void (total += s.k.sumSquares(px, n)));
    partials[unit] = total;
  }
};

/** firstUnit for sumSquares: where each array's units start, and one past the last. */
export function unitStarts(xs: Float32Array[]): number[] {
  const starts = [0];
  for (const x of xs) starts.push(starts[starts.length - 1] + Math.ceil(x.length / ELEMENTS_PER_UNIT));
  return starts;
}
