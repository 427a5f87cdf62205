// TinylmSparseXent and its gradient for the blas backend (parts/rows.ts): one row of the
// vocabulary at a time through the tile, no one-hot, no stored softmax.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { SPARSE_XENT, SPARSE_XENT_GRAD, type SparseXentAttrs } from '../names';
import { rowsPerUnit, unitsOf } from './parts/context';

const forward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { logits, targets } = args.inputs as { logits: TensorInfo; targets: TensorInfo };
  const { ignoreIndex } = args.attrs as unknown as SparseXentAttrs;
  const [n, v] = logits.shape;
  const [loss, lse] = [backend.allocForWrite(n), backend.allocForWrite(n)];
  const work = {
    logits: backend.values(logits) as Float32Array,
    targets: backend.values(targets) as Int32Array,
    loss,
    lse,
    v,
    ignore: ignoreIndex,
  };
  backend.parallel('xentFwd', work, unitsOf(n, rowsPerUnit(v)));
  return [backend.output([n], loss), backend.output([n], lse)];
};

const backward: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { logits, targets, lse, dy } = args.inputs as Record<string, TensorInfo>;
  const { ignoreIndex } = args.attrs as unknown as SparseXentAttrs;
  const [n, v] = logits.shape;
  const out = backend.allocForWrite(n * v);
  const f = (t: TensorInfo) => backend.values(t) as Float32Array;
  const work = { logits: f(logits), targets: backend.values(targets) as Int32Array, lse: f(lse), dy: f(dy), out, v, ignore: ignoreIndex };
  backend.parallel('xentBwd', work, unitsOf(n, rowsPerUnit(v)));
  return backend.output([n, v], out);
};

export const sparseXentBlasConfigs: KernelConfig[] = [
  { kernelName: SPARSE_XENT, backendName: 'blas', kernelFunc: forward },
  { kernelName: SPARSE_XENT_GRAD, backendName: 'blas', kernelFunc: backward },
];
