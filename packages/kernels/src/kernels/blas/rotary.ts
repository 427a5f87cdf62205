// TinylmRotary for the blas backend (wasm SIMD, simd/kernels.ts); the gradient is the same kernel
// with inverse = true.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { ROTARY, type RotaryAttrs } from '../names';
import { simd } from '../simd/simd';

const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { x, cos, sin } = args.inputs as Record<string, TensorInfo>;
  const { inverse, layout } = args.attrs as unknown as RotaryAttrs;
  const [b, h, t, d] = layout === 'bthd' ? [x.shape[0], x.shape[2], x.shape[1], x.shape[3]] : x.shape;
  const y = backend.alloc(b * h * t * d);
  const v = (u: TensorInfo) => backend.values(u) as Float32Array;
  const s = simd();
  s.tiled(
    b * h * t,
    [{ data: v(x), width: d }],
    [{ data: y, width: d }],
    ([pc, ps, px, py], first, rows) => s.k.rotary(px, pc, ps, py, rows, first, layout === 'bthd' ? h : 1, t, d, inverse ? -1 : 1),
    [v(cos), v(sin)],
  );
  return backend.output(x.shape, y);
};

export const rotaryBlasConfig: KernelConfig = { kernelName: ROTARY, backendName: 'blas', kernelFunc };
