// Access to the wasm backend's heap for kernels written in JavaScript (the way tfjs-backend-wasm
// writes its own JS kernels such as Reshape): inputs are viewed in place, outputs are allocated
// by the backend and filled through a view taken after allocation (allocation may grow, and so
// detach, the heap).
import type { DataType, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';

export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): TypedArray;
}

export function asWasm(backend: unknown): WasmBackendLike {
  return backend as WasmBackendLike;
}
