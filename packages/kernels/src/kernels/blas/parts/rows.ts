// Parts of the row kernels of the blas backend (wasm SIMD): RMSNorm, rotary embeddings and the
// sparse cross-entropy. A unit is rowsPerUnit(width) whole rows.
import type { Simd, TileArray } from '../../simd/simd';
import { itemsOf, type Part, rowsPerUnit } from './context';

type Numbers = Float32Array | Int32Array;

/** Streams rows [r0, r1) of `ins` and `outs` (each [array, row width]) through the tiles. */
function streamedRows(
  s: Simd,
  [r0, r1]: [number, number],
  ins: [Numbers, number][],
  outs: [Numbers, number][],
  kernel: (ptrs: number[], firstRow: number, rows: number) => void,
  fixed: Numbers[] = [],
  accumulators: Numbers[] = [],
): void {
  const view = ([data, width]: [Numbers, number]): TileArray => ({ data: data.subarray(r0 * width, r1 * width), width });
  s.tiled(r1 - r0, ins.map(view), outs.map(view), (ptrs, first, rows) => kernel(ptrs, r0 + first, rows), fixed, accumulators);
}

/** Rows [r0, r1) of units [from, to) for rows of `width` entries, `rows` in all. */
export const rowsOf = (from: number, to: number, width: number, rows: number) => itemsOf(from, to, rowsPerUnit(width), rows);

export interface RmsNormFwdArgs {
  x: Float32Array;
  w: Float32Array;
  y: Float32Array;
  rstd: Float32Array;
  c: number;
  eps: number;
}
export const rmsNormFwd: Part<RmsNormFwdArgs> = ({ simd: s }, { x, w, y, rstd, c, eps }, from, to) =>
  streamedRows(
    s,
    rowsOf(from, to, c, rstd.length),
    [[x, c]],
    [
      [y, c],
      [rstd, 1],
    ],
    ([pw, px, py, pr], _f, rows) => s.k.rmsNormFwd(px, pw, py, pr, rows, c, eps),
    [w],
  );

/** `partials` holds one weight-gradient row per unit; the caller adds them in unit order. */
export interface RmsNormBwdArgs {
  x: Float32Array;
  w: Float32Array;
  rstd: Float32Array;
  dy: Float32Array;
  dx: Float32Array;
  partials: Float32Array;
  c: number;
}
export const rmsNormBwd: Part<RmsNormBwdArgs> = ({ simd: s }, { x, w, rstd, dy, dx, partials, c }, from, to) => {
  for (let unit = from; unit < to; unit++) {
    const dw = partials.subarray(unit * c, (unit + 1) * c);
    streamedRows(
      s,
      rowsOf(unit, unit + 1, c, rstd.length),
      [
        [x, c],
        [rstd, 1],
        [dy, c],
      ],
      [[dx, c]],
      ([pw, pdw, px, pr, pdy, pdx], _f, rows) => s.k.rmsNormBwd(px, pw, pr, pdy, pdx, pdw, rows, c),
      [w],
      [dw],
    );
  }
};

/** Rows are (b, h, t) or, with perPos = H, (b, t, h); `sign` -1 applies the inverse rotation. */
export interface RotaryArgs {
  x: Float32Array;
  cos: Float32Array;
  sin: Float32Array;
  y: Float32Array;
  perPos: number;
  t: number;
  d: number;
  sign: number;
}
export const rotary: Part<RotaryArgs> = ({ simd: s }, { x, cos, sin, y, perPos, t, d, sign }, from, to) =>
  streamedRows(
    s,
    rowsOf(from, to, d, x.length / d),
    [[x, d]],
    [[y, d]],
    ([pc, ps, px, py], first, rows) => s.k.rotary(px, pc, ps, py, rows, first, perPos, t, d, sign),
    [cos, sin],
  );

export interface XentFwdArgs {
  logits: Float32Array;
  targets: Int32Array;
  loss: Float32Array;
  lse: Float32Array;
  v: number;
  ignore: number;
}
export const xentFwd: Part<XentFwdArgs> = ({ simd: s }, { logits, targets, loss, lse, v, ignore }, from, to) =>
  streamedRows(
    s,
    rowsOf(from, to, v, loss.length),
    [
      [logits, v],
      [targets, 1],
    ],
    [
      [loss, 1],
      [lse, 1],
    ],
    ([px, pt, pl, pe], _f, rows) => s.k.xentFwd(px, pt, pl, pe, rows, v, ignore),
  );

export interface XentBwdArgs {
  logits: Float32Array;
  targets: Int32Array;
  lse: Float32Array;
  dy: Float32Array;
  out: Float32Array;
  v: number;
  ignore: number;
}
export const xentBwd: Part<XentBwdArgs> = ({ simd: s }, { logits, targets, lse, dy, out, v, ignore }, from, to) =>
  streamedRows(
    s,
    rowsOf(from, to, v, lse.length),
    [
      [logits, v],
      [targets, 1],
      [lse, 1],
      [dy, 1],
    ],
    [[out, v]],
    ([px, pt, pl, pd, po], _f, rows) => s.k.xentBwd(px, pt, pl, pd, po, rows, v, ignore),
  );
