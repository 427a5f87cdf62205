// TinylmAdamW and TinylmSumSquares for the webgpu backend. AdamW: three programs per parameter
// (m, v, then the parameter from the new m and v), in place of tfjs's ~13 ops. The global norm:
// one single-workgroup program per gradient that adds the gradient's sum of squares to the
// running total (a strided loop per invocation, then a tree in workgroup memory), in place of
// tfjs's square, sum and add per gradient. Both read the clip factor from a tensor: no readback.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ADAMW_STEP, type AdamWStepAttrs, SUM_SQUARES } from '../names';
import { flatProgram, run, singleWorkgroupProgram, type Uniform } from './program';

const ADAMW_UNIFORMS = 'b1 : f32, b2 : f32, eps : f32, keep : f32, step : f32, rootBc2 : f32,';

const M = `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let g = grad[index] * gradScale[0];
      setOutputAtIndex(index, uniforms.b1 * m[index] + (1.0 - uniforms.b1) * g);
    }
  }`;

const V = `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let g = grad[index] * gradScale[0];
      setOutputAtIndex(index, uniforms.b2 * v[index] + (1.0 - uniforms.b2) * g * g);
    }
  }`;

// torch.optim.AdamW: p = p (1 - lr wd) - (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps)
const P = `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let denom = sqrt(v[index]) / uniforms.rootBc2 + uniforms.eps;
      setOutputAtIndex(index, param[index] * uniforms.keep - uniforms.step * m[index] / denom);
    }
  }`;

const adamw: KernelFunc = ({ inputs, backend, attrs }) => {
  const { param, grad, m, v, gradScale } = inputs as Record<string, TensorInfo>;
  const a = attrs as unknown as AdamWStepAttrs;
  const u: Uniform[] = [a.beta1, a.beta2, a.eps, 1 - a.decay, a.lr / a.bc1, Math.sqrt(a.bc2)].map((x) => ({ type: 'float32', data: [x] }));
  const shape = param.shape;
  const m1 = run(backend, flatProgram('tinylm_adamw_m', shape, ['grad', 'm', 'gradScale'], M, ADAMW_UNIFORMS), [grad, m, gradScale], u);
  const v1 = run(backend, flatProgram('tinylm_adamw_v', shape, ['grad', 'v', 'gradScale'], V, ADAMW_UNIFORMS), [grad, v, gradScale], u);
  const p1 = run(backend, flatProgram('tinylm_adamw_p', shape, ['param', 'm', 'v'], P, ADAMW_UNIFORMS), [param, m1, v1], u);
  return [p1, m1, v1];
};

const THREADS = 256;
const SUM_SQUARES_WGSL = `
  var<workgroup> partial : array<f32, ${THREADS}>;
  fn main(index : i32) {
    var s = 0.0;
    for (var k = i32(localId.x); k < uniforms.n; k = k + ${THREADS}) {
      let e = x[k];
      s = s + e * e;
    }
    partial[localId.x] = s;
    workgroupBarrier();
    for (var w = ${THREADS / 2}u; w > 0u; w = w / 2u) {
      if (localId.x < w) { partial[localId.x] = partial[localId.x] + partial[localId.x + w]; }
      workgroupBarrier();
    }
    if (localId.x == 0u) { setOutputAtIndex(0, acc[0] + partial[0]); }
  }`;

const sumSquares: KernelFunc = ({ inputs, backend }) => {
  const program = singleWorkgroupProgram('tinylm_sum_squares', ['x', 'acc'], SUM_SQUARES_WGSL, 'n : i32,', THREADS);
  const b = backend as unknown as {
    makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo;
    disposeData(id: unknown): void;
  };
  let acc = b.makeTensorInfo([1], 'float32', new Float32Array(1));
  for (const x of Object.values(inputs) as TensorInfo[]) {
    const n = x.shape.reduce((p, q) => p * q, 1);
    const next = run(backend, program, [x, acc], [{ type: 'int32', data: [n] }]);
    b.disposeData(acc.dataId);
    acc = next;
  }
  return { dataId: acc.dataId, shape: [], dtype: 'float32' };
};

export const adamwWebGpuConfigs: KernelConfig[] = [
  { kernelName: ADAMW_STEP, backendName: 'webgpu', kernelFunc: adamw },
  { kernelName: SUM_SQUARES, backendName: 'webgpu', kernelFunc: sumSquares },
];
