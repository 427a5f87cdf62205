// TinylmAdamW (one parameter's AdamW step, the clip factor folded in) and TinylmSumSquares (the
// squared global gradient norm in one pass over every gradient) for the blas backend (wasm SIMD,
// simd/kernels.ts).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { ADAMW_STEP, type AdamWStepAttrs, SUM_SQUARES } from '../names';
import { simd } from '../simd/simd';

const adamw: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { param, grad, m, v, gradScale } = args.inputs as Record<string, TensorInfo>;
  const a = args.attrs as unknown as AdamWStepAttrs;
  const val = (t: TensorInfo) => backend.values(t) as Float32Array;
  const n = val(param).length;
  const [pOut, mOut, vOut] = [backend.alloc(n), backend.alloc(n), backend.alloc(n)];
  const scale = val(gradScale)[0];
  const [keep, step, rootBc2] = [1 - a.decay, a.lr / a.bc1, Math.sqrt(a.bc2)];
  const s = simd();
  // p, m and v are updated in place in the tile, then copied out to the new tensors
  const { k } = s;
  s.tiled(n, [val(param), val(grad), val(m), val(v)].map((data) => ({ data, width: 1 })), [], ([pp, pg, pm, pv], r0, count) => {
    k.adamw(pp, pg, pm, pv, count, scale, a.beta1, a.beta2, a.eps, keep, step, rootBc2);
    s.get(pOut, pp, r0, count);
    s.get(mOut, pm, r0, count);
    s.get(vOut, pv, r0, count);
  });
  return [backend.output(param.shape, pOut), backend.output(param.shape, mOut), backend.output(param.shape, vOut)];
};

const sumSquares: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const s = simd();
  let total = 0;
  for (const t of Object.values(args.inputs) as TensorInfo[]) {
    const x = backend.values(t) as Float32Array;
    s.tiled(x.length, [{ data: x, width: 1 }], [], ([px], _r, n) => void (total += s.k.sumSquares(px, n)));
  }
  return backend.output([], Float32Array.of(total));
};

export const adamwBlasConfigs: KernelConfig[] = [
  { kernelName: ADAMW_STEP, backendName: 'blas', kernelFunc: adamw },
  { kernelName: SUM_SQUARES, backendName: 'blas', kernelFunc: sumSquares },
];
