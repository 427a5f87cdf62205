// TinylmSparseXent and its gradient for the wasm backend: the shared loops over heap views.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { SPARSE_XENT, SPARSE_XENT_GRAD, type SparseXentAttrs } from './names';
import { sparseXentBackward, sparseXentForward } from './sparse-xent-math';
import { asWasm } from './wasm-heap';

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = asWasm(backend);
  const { logits, targets } = inputs as { logits: TensorInfo; targets: TensorInfo };
  const [n, v] = logits.shape;
  const loss = b.makeOutput([n], 'float32');
  const lse = b.makeOutput([n], 'float32');
  sparseXentForward(
    b.typedArrayFromHeap(logits) as Float32Array,
    b.typedArrayFromHeap(targets) as Int32Array,
    n,
    v,
    (attrs as unknown as SparseXentAttrs).ignoreIndex,
    b.typedArrayFromHeap(loss) as Float32Array,
    b.typedArrayFromHeap(lse) as Float32Array,
  );
  return [loss, lse];
};

const backward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = asWasm(backend);
  const { logits, targets, lse, dy } = inputs as Record<string, TensorInfo>;
  const [n, v] = logits.shape;
  const out = b.makeOutput([n, v], 'float32');
  sparseXentBackward(
    b.typedArrayFromHeap(logits) as Float32Array,
    b.typedArrayFromHeap(targets) as Int32Array,
    b.typedArrayFromHeap(lse) as Float32Array,
    b.typedArrayFromHeap(dy) as Float32Array,
    n,
    v,
    (attrs as unknown as SparseXentAttrs).ignoreIndex,
    b.typedArrayFromHeap(out) as Float32Array,
  );
  return out;
};

export const sparseXentWasmConfigs: KernelConfig[] = [
  { kernelName: SPARSE_XENT, backendName: 'wasm', kernelFunc: forward },
  { kernelName: SPARSE_XENT_GRAD, backendName: 'wasm', kernelFunc: backward },
];
