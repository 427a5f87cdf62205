// The kernels tinylm adds to tfjs, per backend (tfjs's register-all layout): training kernels
// the wasm backend lacks, the fused sparse cross-entropy, and the blas backend's kernels.
// Registering twice is a no-op here (tfjs itself would warn and replace).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulWasmConfig } from './batch-matmul-wasm';
import { blasKernelConfigs } from './blas/register-blas';
import { sparseXentCpuConfigs } from './sparse-xent-cpu';
import { sparseXentWasmConfigs } from './sparse-xent-wasm';
import { adamwWebGpuConfigs } from './webgpu/adamw';
import { attentionWebGpuConfigs } from './webgpu/attention';
import { rmsNormWebGpuConfigs } from './webgpu/rms-norm';
import { rotaryWebGpuConfig } from './webgpu/rotary';
import { sparseXentWebGpuConfigs } from './webgpu/sparse-xent';
import { swigluWebGpuConfigs } from './webgpu/swiglu';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum-wasm';

const KERNELS_BY_BACKEND: Readonly<Record<string, readonly KernelConfig[]>> = Object.freeze({
  cpu: sparseXentCpuConfigs,
  blas: blasKernelConfigs,
  wasm: [unsortedSegmentSumWasmConfig, ...sparseXentWasmConfigs],
  webgpu: [
    ...sparseXentWebGpuConfigs,
    ...swigluWebGpuConfigs,
    ...rmsNormWebGpuConfigs,
    rotaryWebGpuConfig,
    ...attentionWebGpuConfigs,
    ...adamwWebGpuConfigs,
  ],
});

/** Registers tinylm's kernels for `backend`; returns the names registered by this call. */
export function registerTinylmKernels(backend: string): string[] {
  const added: string[] = [];
  if (backend === 'wasm') {
    const matmul = batchMatMulWasmConfig();
    if (matmul) {
      tf.registerKernel(matmul);
      added.push(matmul.kernelName);
    }
  }
  for (const config of KERNELS_BY_BACKEND[backend] ?? []) {
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    added.push(config.kernelName);
  }
  return added;
}

/** The kernels tinylm provides for each backend, for docs and tests. */
export function tinylmKernelNames(backend: string): string[] {
  const names = (KERNELS_BY_BACKEND[backend] ?? []).map((c) => c.kernelName);
  return backend === 'wasm' ? ['BatchMatMul', ...names] : names;
}
