// UnsortedSegmentSum for the wasm backend, which lacks it (tfjs 4.22). It is the gradient of
// gather, so without it an embedding table cannot train on wasm. Semantics follow
// tf.unsortedSegmentSum: out[s, ...] = sum of x[i, ...] over i with segmentIds[i] == s;
// ids outside [0, numSegments) are dropped, as in TensorFlow.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { asWasm } from './wasm-heap';

const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = asWasm(backend);
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  // segmentIds covers the leading axes of x; each segment row is the rest.
  const idCount = segmentIds.shape.reduce((a, d) => a * d, 1);
  const xSize = x.shape.reduce((a, d) => a * d, 1);
  const row = idCount === 0 ? 0 : xSize / idCount;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = b.makeOutput(outShape, x.dtype);
  const dst = b.typedArrayFromHeap(out);
  const src = b.typedArrayFromHeap(x);
  const ids = b.typedArrayFromHeap(segmentIds);
  dst.fill(0);
  for (let i = 0; i < idCount; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const so = s * row;
    const xo = i * row;
    for (let j = 0; j < row; j++) dst[so + j] += src[xo + j];
  }
  return out;
};

export const unsortedSegmentSumWasmConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc,
};
