// TinylmRmsNorm and its gradient for the webgpu backend: forward two programs (rstd per row,
// then y), backward three (the per-row sum of w dy x, dx, then dweight per column), in place of
// tfjs's ~6 ops forward and ~12 backward. (Input names must not be WGSL built-ins: no `dot`, `sin`.)
//   rstd = 1 / sqrt(mean(x^2) + eps),  y = x rstd w
//   dx_i = rstd w_i dy_i - x_i rstd^3 / C * sum_j w_j dy_j x_j,  dw_j = sum_rows dy_j x_j rstd
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { RMS_NORM, RMS_NORM_GRAD, type RmsNormAttrs } from '../names';
import { flatProgram, run } from './program';

const UNIFORMS = 'cols : i32, eps : f32,';

const RSTD = `
  fn main(row : i32) {
    if (row < uniforms.size) {
      let c = uniforms.cols;
      var s = 0.0;
      for (var j = 0; j < c; j++) { let e = x[row * c + j]; s = s + e * e; }
      setOutputAtIndex(row, 1.0 / sqrt(s / f32(c) + uniforms.eps));
    }
  }`;

const Y = `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let c = uniforms.cols;
      setOutputAtIndex(index, x[index] * rstd[index / c] * weight[index % c]);
    }
  }`;

const ROW_DOT = `
  fn main(row : i32) {
    if (row < uniforms.size) {
      let c = uniforms.cols;
      var s = 0.0;
      for (var j = 0; j < c; j++) { s = s + weight[j] * dy[row * c + j] * x[row * c + j]; }
      setOutputAtIndex(row, s);
    }
  }`;

const DX = `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let c = uniforms.cols;
      let row = index / c;
      let r = rstd[row];
      setOutputAtIndex(index, r * weight[index % c] * dy[index] - x[index] * r * r * r / f32(c) * rowDot[row]);
    }
  }`;

const DW = `
  fn main(col : i32) {
    if (col < uniforms.size) {
      let c = uniforms.cols;
      let rows = uniforms.rows;
      var s = 0.0;
      for (var i = 0; i < rows; i++) { s = s + dy[i * c + col] * x[i * c + col] * rstd[i]; }
      setOutputAtIndex(col, s);
    }
  }`;

const uniforms = (c: number, eps = 0) => [
  { type: 'int32' as const, data: [c] },
  { type: 'float32' as const, data: [eps] },
];

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, weight } = inputs as { x: TensorInfo; weight: TensorInfo };
  const [n, c] = x.shape;
  const u = uniforms(c, (attrs as unknown as RmsNormAttrs).eps);
  const rstd = run(backend, flatProgram('tinylm_rms_rstd', [n], ['x'], RSTD, UNIFORMS), [x], u);
  const y = run(backend, flatProgram('tinylm_rms_y', [n, c], ['x', 'rstd', 'weight'], Y, UNIFORMS), [x, rstd, weight], u);
  return [y, rstd];
};

const backward: KernelFunc = ({ inputs, backend }) => {
  const { x, weight, rstd, dy } = inputs as Record<string, TensorInfo>;
  const [n, c] = x.shape;
  const u = uniforms(c);
  const dot = run(backend, flatProgram('tinylm_rms_dot', [n], ['weight', 'dy', 'x'], ROW_DOT, UNIFORMS), [weight, dy, x], u);
  const dx = run(
    backend,
    flatProgram('tinylm_rms_dx', [n, c], ['x', 'weight', 'rstd', 'dy', 'rowDot'], DX, UNIFORMS),
    [x, weight, rstd, dy, dot],
    u,
  );
  const dwProgram = flatProgram('tinylm_rms_dw', [c], ['dy', 'x', 'rstd'], DW, `${UNIFORMS} rows : i32,`);
  const dw = run(backend, dwProgram, [dy, x, rstd], [...u, { type: 'int32', data: [n] }]);
  (backend as unknown as { disposeData(id: unknown): void }).disposeData(dot.dataId);
  return [dx, dw];
};

export const rmsNormWebGpuConfigs: KernelConfig[] = [
  { kernelName: RMS_NORM, backendName: 'webgpu', kernelFunc: forward },
  { kernelName: RMS_NORM_GRAD, backendName: 'webgpu', kernelFunc: backward },
];
