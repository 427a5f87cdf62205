// GatherV2 along axis 0 (the embedding lookup) for the blas backend: one row copy per id.
// Other axes, batch dims and dtypes go to tfjs-cpu's kernel.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type BlasBackend, cpuKernel } from '../../blas/backend';

const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
  const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
  if (x.dtype !== 'float32' || indices.dtype !== 'int32' || (axis !== 0 && axis !== -x.shape.length) || batchDims || x.shape.length < 1) {
    return cpuKernel('GatherV2')(args);
  }
  const rows = x.shape[0];
  const row = x.shape.slice(1).reduce((p, q) => p * q, 1);
  const table = backend.values(x) as Float32Array;
  const ids = backend.values(indices) as Int32Array;
  const out = backend.allocForWrite(ids.length * row);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < rows)) throw new Error(`GatherV2: index ${id} (position ${i}) is not in [0, ${rows - 1}]`);
    out.set(table.subarray(id * row, (id + 1) * row), i * row);
  }
  return backend.output([...indices.shape, ...x.shape.slice(1)], out);
};

export const gatherBlasConfig: KernelConfig = { kernelName: 'GatherV2', backendName: 'blas', kernelFunc };
