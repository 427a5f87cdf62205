// WGSL programs for tinylm's webgpu kernels, in the shape tfjs-backend-webgpu's program runner
// takes (its own UnaryOpProgram's): one invocation per output entry, `fn main(index : i32)`,
// inputs bound by name, `uniforms.size` the output's entry count.
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** A program with one invocation per entry of `outputShape`, 64 to a workgroup. */
export function flatProgram(key: string, outputShape: number[], variableNames: string[], body: string, uniforms = ''): WebGPUProgram {
  const workgroupSize: [number, number, number] = [64, 1, 1];
  const dispatchLayout = webgpu_util.flatDispatchLayout(outputShape);
  return {
    variableNames,
    outputShape,
    shaderKey: key,
    dispatchLayout,
    dispatch: webgpu_util.computeDispatch(dispatchLayout, outputShape, workgroupSize),
    workgroupSize,
    size: true,
    uniforms,
    getUserCode: () => body,
  };
}

/** A program of one workgroup of `threads` invocations writing a single value (reductions). */
export function singleWorkgroupProgram(key: string, variableNames: string[], body: string, uniforms = '', threads = 256): WebGPUProgram {
  return {
    variableNames,
    outputShape: [1],
    shaderKey: key,
    dispatchLayout: webgpu_util.flatDispatchLayout([1]),
    dispatch: [1, 1, 1],
    workgroupSize: [threads, 1, 1],
    size: true,
    uniforms,
    getUserCode: () => body,
  };
}

/** A program with one invocation per row (64 to a workgroup), writing into an output of `outputShape`. */
export function rowProgram(
  key: string,
  outputShape: number[],
  rows: number,
  variableNames: string[],
  body: string,
  uniforms = '',
): WebGPUProgram {
  const workgroupSize: [number, number, number] = [64, 1, 1];
  const dispatchLayout = webgpu_util.flatDispatchLayout([rows]);
  return {
    variableNames,
    outputShape,
    shaderKey: key,
    dispatchLayout,
    dispatch: webgpu_util.computeDispatch(dispatchLayout, [rows], workgroupSize),
    workgroupSize,
    uniforms,
    getUserCode: () => body,
  };
}

export type Uniform = { type: 'int32' | 'float32'; data: number[] };

/** Runs `program` on the webgpu backend; float32 output. */
export function run(backend: unknown, program: WebGPUProgram, inputs: TensorInfo[], uniforms: Uniform[] = []): TensorInfo {
  return (backend as WebGPUBackend).runWebGPUProgram(program, inputs, 'float32', uniforms);
}
