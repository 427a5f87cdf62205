// TinylmRmsNorm and its gradient for the blas backend (wasm SIMD, simd/kernels.ts); the weight
// gradient is summed over rows in row order.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { RMS_NORM, RMS_NORM_GRAD, type RmsNormAttrs } from '../names';
import { simd } from '../simd/simd';

const forward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { x, weight } = args.inputs as { x: TensorInfo; weight: TensorInfo };
  const { eps } = args.attrs as unknown as RmsNormAttrs;
  const [n, c] = x.shape;
  const y = backend.alloc(n * c);
  const rstd = backend.alloc(n);
  const s = simd();
  s.tiled(
    n,
    [{ data: backend.values(x) as Float32Array, width: c }],
    [{ data: y, width: c }, { data: rstd, width: 1 }],
    ([pw, px, py, pr], _r, rows) => s.k.rmsNormFwd(px, pw, py, pr, rows, c, eps),
    [backend.values(weight) as Float32Array],
  );
  return [backend.output([n, c], y), backend.output([n], rstd)];
};

const backward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { x, weight, rstd, dy } = args.inputs as Record<string, TensorInfo>;
  const [n, c] = x.shape;
  const v = (t: TensorInfo) => backend.values(t) as Float32Array;
  const dx = backend.alloc(n * c);
  const dw = backend.alloc(c);
  const s = simd();
  s.tiled(
    n,
    [{ data: v(x), width: c }, { data: v(rstd), width: 1 }, { data: v(dy), width: c }],
    [{ data: dx, width: c }],
    ([pw, pdw, px, pr, pdy, pdx], _r, rows) => s.k.rmsNormBwd(px, pw, pr, pdy, pdx, pdw, rows, c),
    [v(weight)],
    [dw],
  );
  return [backend.output([n, c], dx), backend.output([c], dw)];
};

export const rmsNormBlasConfigs: KernelConfig[] = [
  { kernelName: RMS_NORM, backendName: 'blas', kernelFunc: forward },
  { kernelName: RMS_NORM_GRAD, backendName: 'blas', kernelFunc: backward },
];
