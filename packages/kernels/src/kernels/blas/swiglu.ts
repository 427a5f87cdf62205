// TinylmSwiglu and its gradient for the blas backend (wasm SIMD, simd/kernels.ts).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { SWIGLU, SWIGLU_GRAD } from '../names';
import { simd } from '../simd/simd';

const forward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { gate, up } = args.inputs as Record<string, TensorInfo>;
  const [g, u] = [gate, up].map((t) => backend.values(t) as Float32Array);
  const y = backend.alloc(g.length);
  const s = simd();
  s.tiled(g.length, [{ data: g, width: 1 }, { data: u, width: 1 }], [{ data: y, width: 1 }], ([pg, pu, py], _r, n) => s.k.swigluFwd(pg, pu, py, n));
  return backend.output(gate.shape, y);
};

const backward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { gate, up, dy } = args.inputs as Record<string, TensorInfo>;
  const [g, u, d] = [gate, up, dy].map((t) => backend.values(t) as Float32Array);
  const [dg, du] = [backend.alloc(g.length), backend.alloc(g.length)];
  const s = simd();
  s.tiled(
    g.length,
    [g, u, d].map((data) => ({ data, width: 1 })),
    [dg, du].map((data) => ({ data, width: 1 })),
    ([pg, pu, pd, pdg, pdu], _r, n) => s.k.swigluBwd(pg, pu, pd, pdg, pdu, n),
  );
  return [backend.output(gate.shape, dg), backend.output(gate.shape, du)];
};

export const swigluBlasConfigs: KernelConfig[] = [
  { kernelName: SWIGLU, backendName: 'blas', kernelFunc: forward },
  { kernelName: SWIGLU_GRAD, backendName: 'blas', kernelFunc: backward },
];
