// TinylmSparseXent and its gradient for the cpu backend: the shared loops over the cpu
// backend's own typed arrays.
import type { KernelConfig, KernelFunc, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import { SPARSE_XENT, SPARSE_XENT_GRAD, type SparseXentAttrs } from './names';
import { sparseXentBackward, sparseXentForward } from './sparse-xent-math';

interface CpuBackendLike {
  data: { get(dataId: object): { values: TypedArray } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

const values = (b: CpuBackendLike, t: TensorInfo) => b.data.get(t.dataId).values;

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as CpuBackendLike;
  const { logits, targets } = inputs as { logits: TensorInfo; targets: TensorInfo };
  const [n, v] = logits.shape;
  const loss = new Float32Array(n);
  const lse = new Float32Array(n);
  const ignore = (attrs as unknown as SparseXentAttrs).ignoreIndex;
  sparseXentForward(values(b, logits) as Float32Array, values(b, targets) as Int32Array, n, v, ignore, loss, lse);
  return [b.makeTensorInfo([n], 'float32', loss), b.makeTensorInfo([n], 'float32', lse)];
};

const backward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as CpuBackendLike;
  const { logits, targets, lse, dy } = inputs as Record<string, TensorInfo>;
  const [n, v] = logits.shape;
  const out = new Float32Array(n * v);
  const ignore = (attrs as unknown as SparseXentAttrs).ignoreIndex;
  sparseXentBackward(
    values(b, logits) as Float32Array,
    values(b, targets) as Int32Array,
    values(b, lse) as Float32Array,
    values(b, dy) as Float32Array,
    n,
    v,
    ignore,
    out,
  );
  return b.makeTensorInfo([n, v], 'float32', out);
};

export const sparseXentCpuConfigs: KernelConfig[] = [
  { kernelName: SPARSE_XENT, backendName: 'cpu', kernelFunc: forward },
  { kernelName: SPARSE_XENT_GRAD, backendName: 'cpu', kernelFunc: backward },
];
