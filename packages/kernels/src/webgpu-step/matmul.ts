// Tiled matrix product for the compiled step: C (M, N) = op(A) (M, K) . op(B) (K, N), where
// op transposes a row-major operand when asked:
//   A(i, p) = transA ? a[p * M + i] : a[i * K + p];   B(p, j) = transB ? b[j * K + p] : b[p * N + j].
// 64 x 64 output tiles, one workgroup of 16 x 16 invocations each computing a 4 x 4 block, 16-deep
// K tiles staged in workgroup memory (8 KiB). Edges are guarded, so any M, N, K work. The sum
// runs over K in one fixed order: the same bits every run.
// Epilogue: 'store' (C = AB), 'accumulate' (C += AB: gradient accumulation, tied weights), or
// 'addend' (C = D + AB: the residual stream fused into the projection).
import { grid, kernel, type Kernel } from './wgsl';

export type MatmulMode = 'store' | 'accumulate' | 'addend';

export interface MatmulShape {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  mode?: MatmulMode;
}

const TILE = 64;
const DEPTH = 16;

export function matmul({ m, n, k, transA = false, transB = false, mode = 'store' }: MatmulShape): Kernel {
  // Each of the 256 invocations stages 4 entries of each tile; the inner index follows the
  // operand's contiguous dimension so that neighbouring invocations read neighbouring floats.
  const loadA = transA
    ? `let p = e / ${TILE}; let i = e % ${TILE};
       let gi = row0 + i; let gp = k0 + p;
       As[p * ${TILE} + i] = select(0.0, a[gp * M + gi], gi < M && gp < K);`
    : `let i = e / ${DEPTH}; let p = e % ${DEPTH};
       let gi = row0 + i; let gp = k0 + p;
       As[p * ${TILE} + i] = select(0.0, a[gi * K + gp], gi < M && gp < K);`;
  const loadB = transB
    ? `let j = e / ${DEPTH}; let p = e % ${DEPTH};
       let gj = col0 + j; let gp = k0 + p;
       Bs[p * ${TILE} + j] = select(0.0, b[gj * K + gp], gj < N && gp < K);`
    : `let p = e / ${TILE}; let j = e % ${TILE};
       let gj = col0 + j; let gp = k0 + p;
       Bs[p * ${TILE} + j] = select(0.0, b[gp * N + gj], gj < N && gp < K);`;
  const write = { store: 'row[c]', accumulate: 'dst[o] + row[c]', addend: 'addend[o] + row[c]' }[mode];
  const tilesN = Math.ceil(n / TILE);
  return kernel({
    label: `matmul ${m}x${n}x${k}${transA ? ' tA' : ''}${transB ? ' tB' : ''} ${mode}`,
    bindings: [{ name: 'a' }, { name: 'b' }, ...(mode === 'addend' ? [{ name: 'addend' }] : []), { name: 'dst', write: true }],
    workgroupSize: [16, 16],
    decls: `
const M = ${m}; const N = ${n}; const K = ${k};
var<workgroup> As : array<f32, ${TILE * DEPTH}>;
var<workgroup> Bs : array<f32, ${TILE * DEPTH}>;`,
    body: `
  let tx = i32(lid.x); let ty = i32(lid.y);
  let t = ty * 16 + tx;
  let row0 = (wg / ${tilesN}) * ${TILE};
  let col0 = (wg % ${tilesN}) * ${TILE};
  // the 4 x 4 block in four vec4 registers (rows), unrolled: no dynamically indexed private arrays
  var acc0 = vec4<f32>(); var acc1 = vec4<f32>(); var acc2 = vec4<f32>(); var acc3 = vec4<f32>();
  for (var k0 = 0; k0 < K; k0 = k0 + ${DEPTH}) {
    for (var q = 0; q < 4; q++) {
      let e = t + q * 256;
      { ${loadA} }
      { ${loadB} }
    }
    workgroupBarrier();
    for (var p = 0; p < ${DEPTH}; p++) {
      let ao = p * ${TILE} + ty * 4;
      let bo = p * ${TILE} + tx * 4;
      let bv = vec4<f32>(Bs[bo], Bs[bo + 1], Bs[bo + 2], Bs[bo + 3]);
      acc0 = acc0 + As[ao] * bv;
      acc1 = acc1 + As[ao + 1] * bv;
      acc2 = acc2 + As[ao + 2] * bv;
      acc3 = acc3 + As[ao + 3] * bv;
    }
    workgroupBarrier();
  }
  let block = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0; r < 4; r++) {
    let i = row0 + ty * 4 + r;
    let row = block[r];
    for (var c = 0; c < 4; c++) {
      let j = col0 + tx * 4 + c;
      if (i < M && j < N) { let o = i * N + j; dst[o] = ${write}; }
    }
  }`,
    workgroups: grid(Math.ceil(m / TILE) * tilesN),
  });
}
