// Registers tfjs's `webgpu` backend on our adapter, in Node (Dawn) and in the browser alike.
// tfjs-backend-webgpu only self-registers when it sees a browser navigator.gpu, so in Node the
// factory is ours; the device limits requested mirror tfjs's own factory (tfjs-backend-webgpu/src/base.ts).
import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { requestWebGpuAdapter } from './node-webgpu';

let registered = false;

/** Registers the factory once per process (a WebGPU adapter can create only one device). */
export async function registerWebGpuBackend(): Promise<string> {
  const handle = await requestWebGpuAdapter();
  if (typeof handle === 'string') throw new Error(handle);
  const { adapter, description } = handle;
  if (registered) return description;
  registered = true;
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const limits = adapter.limits;
      const device = await adapter.requestDevice({
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
          // tfjs's AddN / Concat bind one buffer per input: take all the adapter offers
          maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
        },
      });
      const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
      return new WebGPUBackend(device, info);
    },
    3,
  );
  return description;
}
