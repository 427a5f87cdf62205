// TinylmSparseXent and its gradient for the blas backend (wasm SIMD, simd/kernels.ts): one row of
// the vocabulary at a time through the tile, no one-hot, no stored softmax.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { SPARSE_XENT, SPARSE_XENT_GRAD, type SparseXentAttrs } from '../names';
import { simd } from '../simd/simd';

const forward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { logits, targets } = args.inputs as { logits: TensorInfo; targets: TensorInfo };
  const { ignoreIndex } = args.attrs as unknown as SparseXentAttrs;
  const [n, v] = logits.shape;
  const [loss, lse] = [backend.alloc(n), backend.alloc(n)];
  const s = simd();
  s.tiled(
    n,
    [{ data: backend.values(logits) as Float32Array, width: v }, { data: backend.values(targets) as Int32Array, width: 1 }],
    [{ data: loss, width: 1 }, { data: lse, width: 1 }],
    ([px, pt, pl, pe], _r, rows) => s.k.xentFwd(px, pt, pl, pe, rows, v, ignoreIndex),
  );
  return [backend.output([n], loss), backend.output([n], lse)];
};

const backward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { logits, targets, lse, dy } = args.inputs as Record<string, TensorInfo>;
  const { ignoreIndex } = args.attrs as unknown as SparseXentAttrs;
  const [n, v] = logits.shape;
  const out = backend.alloc(n * v);
  const f = (t: TensorInfo) => backend.values(t) as Float32Array;
  const s = simd();
  s.tiled(
    n,
    [{ data: f(logits), width: v }, { data: backend.values(targets) as Int32Array, width: 1 }, { data: f(lse), width: 1 }, { data: f(dy), width: 1 }],
    [{ data: out, width: v }],
    ([px, pt, pl, pd, po], _r, rows) => s.k.xentBwd(px, pt, pl, pd, po, rows, v, ignoreIndex),
  );
  return backend.output([n, v], out);
};

export const sparseXentBlasConfigs: KernelConfig[] = [
  { kernelName: SPARSE_XENT, backendName: 'blas', kernelFunc: forward },
  { kernelName: SPARSE_XENT_GRAD, backendName: 'blas', kernelFunc: backward },
];
