// BatchMatMul for the wasm backend, wrapping tfjs's own kernel. tfjs-backend-wasm 4.22 runs
// XNNPACK only for untransposed operands: transposed ones take a slow path (on bench-5m's shapes
// A^T·B ran at 0.6 GFLOP/s and A·B^T at 2 GFLOP/s, against 10-27 GFLOP/s for A·B). A training
// step is mostly A^T·B and A·B^T (the weight and input gradients), so the transposes are
// materialised with the (memory-bound) Transpose kernel first. Batched products (attention) stay
// on tfjs's batched path: splitting them into single products was slower, since XNNPACK repacks
// the right operand of every new tensor. Figures: docs/benchmarks.md.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

interface Own {
  matmul: KernelFunc;
  transpose: KernelFunc;
}
let own: Own | undefined;

const attrs = (a: object) => a as unknown as NamedAttrMap;

function swapLast(backend: object, x: TensorInfo): TensorInfo {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return own!.transpose({ inputs: { x }, backend: backend as never, attrs: attrs({ perm }) }) as TensorInfo;
}

function multiply(backend: object, a: TensorInfo, b: TensorInfo): TensorInfo {
  return own!.matmul({ inputs: { a, b }, backend: backend as never, attrs: attrs({ transposeA: false, transposeB: false }) }) as TensorInfo;
}

const kernelFunc: KernelFunc = ({ inputs, backend, attrs: kernelAttrs }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = kernelAttrs as unknown as { transposeA: boolean; transposeB: boolean };
  const at = transposeA ? swapLast(backend, a) : a;
  const bt = transposeB ? swapLast(backend, b) : b;
  const out = multiply(backend, at, bt);
  const wasm = backend as unknown as WasmBackendLike;
  if (at !== a) wasm.disposeData(at.dataId);
  if (bt !== b) wasm.disposeData(bt.dataId);
  return out;
};

/** The replacement config; captures tfjs's own wasm kernels first. Undefined if already replaced. */
export function batchMatMulWasmConfig(): KernelConfig | undefined {
  if (own) return undefined;
  const get = (name: string) => tf.getKernel(name, 'wasm')?.kernelFunc;
  const [matmul, transpose] = ['BatchMatMul', 'Transpose'].map(get);
  if (!matmul || !transpose) return undefined;
  own = { matmul, transpose };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  return { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc };
}
