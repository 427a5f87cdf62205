// Transpose for the blas backend: copies whole rows when the last axis stays last (the head
// split/merge (B, T, H, D) <-> (B, H, T, D) of attention is D-long row copies), a strided loop
// otherwise. tfjs-cpu's kernel computes every element's index through coordinate arrays.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type BlasBackend, cpuKernel } from '../../blas/backend';

const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { x } = args.inputs as { x: TensorInfo };
  const { perm } = args.attrs as unknown as { perm: number[] };
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return cpuKernel('Transpose')(args);
  const src = backend.values(x) as Float32Array | Int32Array;
  const rank = x.shape.length;
  const outShape = perm.map((p) => x.shape[p]);
  const out = x.dtype === 'float32' ? backend.allocForWrite(src.length) : new Int32Array(src.length);
  if (perm.every((p, i) => p === i)) {
    out.set(src);
    return backend.makeTensorInfo(outShape, x.dtype, out);
  }
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= x.shape[i];
  }
  const step = perm.map((p) => inStrides[p]); // input stride of each output axis
  const keepLast = perm[rank - 1] === rank - 1;
  const run = keepLast ? x.shape[rank - 1] : 1; // contiguous elements per copy
  const axes = keepLast ? rank - 1 : rank; // output axes walked one by one
  const idx = new Array<number>(axes).fill(0);
  let from = 0;
  for (let o = 0; o < out.length; o += run) {
    // short rows by hand: subarray + set costs more than copying 64 floats
    if (run > 256) out.set(src.subarray(from, from + run), o);
    else for (let j = 0; j < run; j++) out[o + j] = src[from + j];
    for (let a = axes - 1; a >= 0; a--) {
      idx[a] += 1;
      from += step[a];
      if (idx[a] < outShape[a]) break;
      from -= step[a] * outShape[a];
      idx[a] = 0;
    }
  }
  return backend.makeTensorInfo(outShape, x.dtype, out);
};

export const transposeBlasConfig: KernelConfig = { kernelName: 'Transpose', backendName: 'blas', kernelFunc };
