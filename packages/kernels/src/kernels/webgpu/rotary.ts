// TinylmRotary for the webgpu backend: one program, one invocation per entry (Hugging Face's
// half-split rotation: entry i of a head pairs with i + D/2); inverse = true rotates back (the
// gradient). Rows are (b, h, t) in the 'bhtd' layout or (b, t, h) in 'bthd'.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ROTARY, type RotaryAttrs } from '../names';
import { flatProgram, run } from './program';

const ROTATE = `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let d = uniforms.headDim;
      let half = d / 2;
      let row = index / d;
      let i = index % d;
      let p = (row / uniforms.perPos) % uniforms.seq;
      let c = cosTable[p * d + i];
      let s = uniforms.sign * sinTable[p * d + i];
      let base = row * d;
      var y = 0.0;
      if (i < half) { y = x[index] * c - x[base + i + half] * s; }
      else { y = x[index] * c + x[base + i - half] * s; }
      setOutputAtIndex(index, y);
    }
  }`;

const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, cos, sin } = inputs as Record<string, TensorInfo>;
  const { inverse, layout } = attrs as unknown as RotaryAttrs;
  const [h, t, d] = layout === 'bthd' ? [x.shape[2], x.shape[1], x.shape[3]] : [x.shape[1], x.shape[2], x.shape[3]];
  const program = flatProgram(
    'tinylm_rotary',
    x.shape,
    ['x', 'cosTable', 'sinTable'],
    ROTATE,
    'headDim : i32, perPos : i32, seq : i32, sign : f32,',
  );
  const u = [
    { type: 'int32' as const, data: [d] },
    { type: 'int32' as const, data: [layout === 'bthd' ? h : 1] },
    { type: 'int32' as const, data: [t] },
    { type: 'float32' as const, data: [inverse ? -1 : 1] },
  ];
  return run(backend, program, [x, cos, sin], u);
};

export const rotaryWebGpuConfig: KernelConfig = { kernelName: ROTARY, backendName: 'webgpu', kernelFunc };
