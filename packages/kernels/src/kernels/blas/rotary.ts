// TinylmRotary for the blas backend (parts/rows.ts); the gradient is the same kernel with
// inverse = true.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { ROTARY, type RotaryAttrs } from '../names';
import { rowsPerUnit, unitsOf } from './parts/context';

const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { x, cos, sin } = args.inputs as Record<string, TensorInfo>;
  const { inverse, layout } = args.attrs as unknown as RotaryAttrs;
  const [b, h, t, d] = layout === 'bthd' ? [x.shape[0], x.shape[2], x.shape[1], x.shape[3]] : x.shape;
  const y = backend.allocForWrite(b * h * t * d);
  const v = (u: TensorInfo) => backend.values(u) as Float32Array;
  const work = { x: v(x), cos: v(cos), sin: v(sin), y, perPos: layout === 'bthd' ? h : 1, t, d, sign: inverse ? -1 : 1 };
  backend.parallel('rotary', work, unitsOf(b * h * t, rowsPerUnit(d)));
  return backend.output(x.shape, y);
};

export const rotaryBlasConfig: KernelConfig = { kernelName: ROTARY, backendName: 'blas', kernelFunc };
