// TinylmRmsNorm and its gradient for the blas backend (parts/rows.ts). The weight gradient is
// summed per unit of rows, then over units in order: the same bits on any thread count.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { RMS_NORM, RMS_NORM_GRAD, type RmsNormAttrs } from '../names';
import { rowsPerUnit, unitsOf } from './parts/context';

const forward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { x, weight } = args.inputs as { x: TensorInfo; weight: TensorInfo };
  const { eps } = args.attrs as unknown as RmsNormAttrs;
  const [n, c] = x.shape;
  const y = backend.allocForWrite(n * c);
  const rstd = backend.allocForWrite(n);
  const v = (t: TensorInfo) => backend.values(t) as Float32Array;
  backend.parallel('rmsNormFwd', { x: v(x), w: v(weight), y, rstd, c, eps }, unitsOf(n, rowsPerUnit(c)));
  return [backend.output([n, c], y), backend.output([n], rstd)];
};

const backward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { x, weight, rstd, dy } = args.inputs as Record<string, TensorInfo>;
  const [n, c] = x.shape;
  const v = (t: TensorInfo) => backend.values(t) as Float32Array;
  const dx = backend.allocForWrite(n * c);
  const units = unitsOf(n, rowsPerUnit(c));
  const partials = backend.scratch(Float32Array, units * c);
  backend.parallel('rmsNormBwd', { x: v(x), w: v(weight), rstd: v(rstd), dy: v(dy), dx, partials, c }, units);
  const dw = backend.alloc(c);
  for (let u = 0; u < units; u++) {
    for (let j = 0; j < c; j++) dw[j] += partials[u * c + j];
  }
  return [backend.output([n, c], dx), backend.output([c], dw)];
};

export const rmsNormBlasConfigs: KernelConfig[] = [
  { kernelName: RMS_NORM, backendName: 'blas', kernelFunc: forward },
  { kernelName: RMS_NORM_GRAD, backendName: 'blas', kernelFunc: backward },
];
