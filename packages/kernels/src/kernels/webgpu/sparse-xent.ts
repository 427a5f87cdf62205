// TinylmSparseXent and its gradient for the webgpu backend, as WGSL programs run through
// tfjs-backend-webgpu's program runner (the shape of its own UnaryOpProgram): the forward
// pass uses one invocation per row (log-sum-exp, then the target's loss), the backward pass one
// invocation per logit.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { SPARSE_XENT, SPARSE_XENT_GRAD, type SparseXentAttrs } from '../names';
import { flatProgram as program } from './program';

const UNIFORMS = 'vocab : i32, ignoreIndex : i32,';
const flatProgram = (key: string, shape: number[], names: string[], body: string) => program(key, shape, names, body, UNIFORMS);

// Row-wise log-sum-exp: one invocation per row.
const LSE_WGSL = `
  fn main(row : i32) {
    if (row < uniforms.size) {
      let v = uniforms.vocab;
      let base = row * v;
      var m = -3.402823e38;
      for (var j = 0; j < v; j++) { m = max(m, logits[base + j]); }
      var s = 0.0;
      for (var j = 0; j < v; j++) { s = s + exp(logits[base + j] - m); }
      setOutputAtIndex(row, m + log(s));
    }
  }`;

// loss = lse - logit of the target; 0 for ignored rows; NaN for an out-of-range target.
const LOSS_WGSL = `
  fn main(row : i32) {
    if (row < uniforms.size) {
      let v = uniforms.vocab;
      let t = targets[row];
      var loss = 0.0;
      if (t != uniforms.ignoreIndex) {
        let tc = clamp(t, 0, v - 1);
        loss = select(lse[row] - logits[row * v + tc], uniforms.NAN, tc != t);
      }
      setOutputAtIndex(row, loss);
    }
  }`;

const BACKWARD_WGSL = `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let v = uniforms.vocab;
      let row = index / v;
      let col = index % v;
      let t = targets[row];
      var g = 0.0;
      if (t != uniforms.ignoreIndex) {
        g = exp(logits[index] - lse[row]) * dy[row];
        if (col == t) { g = g - dy[row]; }
      }
      setOutputAtIndex(index, g);
    }
  }`;

const uniforms = (v: number, ignore: number) => [
  { type: 'int32', data: [v] },
  { type: 'int32', data: [ignore] },
];

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WebGPUBackend;
  const { logits, targets } = inputs as { logits: TensorInfo; targets: TensorInfo };
  const [n, v] = logits.shape;
  const u = uniforms(v, (attrs as unknown as SparseXentAttrs).ignoreIndex);
  const lse = b.runWebGPUProgram(flatProgram('tinylm_xent_lse', [n], ['logits'], LSE_WGSL), [logits], 'float32', u);
  const lossProgram = flatProgram('tinylm_xent_loss', [n], ['logits', 'targets', 'lse'], LOSS_WGSL);
  const loss = b.runWebGPUProgram(lossProgram, [logits, targets, lse], 'float32', u);
  return [loss, lse];
};

const backward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WebGPUBackend;
  const { logits, targets, lse, dy } = inputs as Record<string, TensorInfo>;
  const [, v] = logits.shape;
  const ignore = (attrs as unknown as SparseXentAttrs).ignoreIndex;
  const program = flatProgram('tinylm_sparse_xent_grad', logits.shape, ['logits', 'targets', 'lse', 'dy'], BACKWARD_WGSL);
  return b.runWebGPUProgram(program, [logits, targets, lse, dy], 'float32', uniforms(v, ignore));
};

export const sparseXentWebGpuConfigs: KernelConfig[] = [
  { kernelName: SPARSE_XENT, backendName: 'webgpu', kernelFunc: forward },
  { kernelName: SPARSE_XENT_GRAD, backendName: 'webgpu', kernelFunc: backward },
];
