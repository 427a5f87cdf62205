// TinylmSwiglu and its gradient for the webgpu backend: one program forward (silu(g) u), two
// backward (dg, du), in place of tfjs's ~3 ops forward and ~8 backward.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { SWIGLU, SWIGLU_GRAD } from '../names';
import { flatProgram, run } from './program';

const SIGMOID = 'fn sigmoidOf(x : f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }';

const FORWARD = `${SIGMOID}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let g = gate[index];
      setOutputAtIndex(index, g * sigmoidOf(g) * up[index]);
    }
  }`;

// dg = dy u s (1 + g (1 - s)), du = dy g s, s = sigmoid(g)
const DGATE = `${SIGMOID}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let g = gate[index];
      let s = sigmoidOf(g);
      setOutputAtIndex(index, dy[index] * up[index] * s * (1.0 + g * (1.0 - s)));
    }
  }`;

const DUP = `${SIGMOID}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let g = gate[index];
      setOutputAtIndex(index, dy[index] * g * sigmoidOf(g));
    }
  }`;

const forward: KernelFunc = ({ inputs, backend }) => {
  const { gate, up } = inputs as Record<string, TensorInfo>;
  return run(backend, flatProgram('tinylm_swiglu', gate.shape, ['gate', 'up'], FORWARD), [gate, up]);
};

const backward: KernelFunc = ({ inputs, backend }) => {
  const { gate, up, dy } = inputs as Record<string, TensorInfo>;
  // every bound input must be read (WGSL drops unused bindings, and the layout then mismatches)
  return [
    run(backend, flatProgram('tinylm_swiglu_dgate', gate.shape, ['gate', 'up', 'dy'], DGATE), [gate, up, dy]),
    run(backend, flatProgram('tinylm_swiglu_dup', gate.shape, ['gate', 'dy'], DUP), [gate, dy]),
  ];
};

export const swigluWebGpuConfigs: KernelConfig[] = [
  { kernelName: SWIGLU, backendName: 'webgpu', kernelFunc: forward },
  { kernelName: SWIGLU_GRAD, backendName: 'webgpu', kernelFunc: backward },
];
