// TinylmSwiglu and its gradient for the blas backend (parts/elementwise.ts).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { SWIGLU, SWIGLU_GRAD } from '../names';
import { ELEMENTS_PER_UNIT, unitsOf } from './parts/context';

const forward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { gate, up } = args.inputs as Record<string, TensorInfo>;
  const [g, u] = [gate, up].map((t) => backend.values(t) as Float32Array);
  const y = backend.allocForWrite(g.length);
  backend.parallel('swigluFwd', { g, u, y }, unitsOf(g.length, ELEMENTS_PER_UNIT));
  return backend.output(gate.shape, y);
};

const backward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { gate, up, dy } = args.inputs as Record<string, TensorInfo>;
  const [g, u, d] = [gate, up, dy].map((t) => backend.values(t) as Float32Array);
  const [dg, du] = [backend.allocForWrite(g.length), backend.allocForWrite(g.length)];
  backend.parallel('swigluBwd', { g, u, dy: d, dg, du }, unitsOf(g.length, ELEMENTS_PER_UNIT));
  return [backend.output(gate.shape, dg), backend.output(gate.shape, du)];
};

export const swigluBlasConfigs: KernelConfig[] = [
  { kernelName: SWIGLU, backendName: 'blas', kernelFunc: forward },
  { kernelName: SWIGLU_GRAD, backendName: 'blas', kernelFunc: backward },
];
