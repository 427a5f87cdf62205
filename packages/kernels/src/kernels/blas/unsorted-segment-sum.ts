// UnsortedSegmentSum (the gradient of the embedding lookup) for the blas backend: one pass that
// adds each row into its segment, in input order. tfjs-cpu's kernel makes a mask per segment
// (O(segments x rows) work: minutes for a 4k vocabulary). Ids outside [0, numSegments) are
// dropped, as TensorFlow does.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type BlasBackend, cpuKernel } from '../../blas/backend';

const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = args.attrs as unknown as { numSegments: number };
  if (x.dtype !== 'float32' || segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    return cpuKernel('UnsortedSegmentSum')(args);
  }
  const row = x.shape.slice(1).reduce((p, q) => p * q, 1);
  const src = backend.values(x) as Float32Array;
  const ids = backend.values(segmentIds) as Int32Array;
  const out = backend.alloc(numSegments * row);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s >= 0 && s < numSegments) addRow(out, s * row, src, i * row, row);
  }
  return backend.output([numSegments, ...x.shape.slice(1)], out);
};

/** out[o, o + n) += src[f, f + n): a small hot function V8 optimises within the first call. */
function addRow(out: Float32Array, o: number, src: Float32Array, f: number, n: number): void {
  for (let j = 0; j < n; j++) out[o + j] += src[f + j];
}

export const unsortedSegmentSumBlasConfig: KernelConfig = { kernelName: 'UnsortedSegmentSum', backendName: 'blas', kernelFunc };
