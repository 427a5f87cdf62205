// countWebGpuCommands counts what reaches the GPU: one AdamW step of one parameter is exactly the
// fused kernel's three programs, the readback submits, and the backend's device and queue are
// given back untouched afterwards.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gate } from '../../../../tooling/test-env';
import { AdamW } from '../optim/adamw';
import { initBackend } from './init';
import { probeBackend } from './probe';
import { countWebGpuCommands } from './webgpu-counters';

const webgpu = await probeBackend('webgpu');

describe.runIf(gate('webgpu', webgpu.available, webgpu.reason))('countWebGpuCommands', () => {
  it('counts the fused AdamW step as three dispatches and restores the device and queue', async () => {
    await initBackend({ backend: 'webgpu' });
    const backend = tf.backend() as unknown as { device: object; queue: object };
    const [device, queue] = [backend.device, backend.queue];
    const params = { w: tf.variable(tf.randomNormal([1000])) };
    const grads = { w: tf.randomNormal([1000]) };
    const opt = new AdamW({ lr: 1e-2 });
    const scale = tf.scalar(0.5);
    opt.apply(params, grads, 1e-2, scale); // the first step also fills the moments with zeros
    await params.w.data(); // earlier work submitted before counting starts
    await scale.data();
    const { counts } = await countWebGpuCommands(backend, async () => {
      opt.apply(params, grads, 1e-2, scale);
      return params.w.data();
    });
    expect(counts.dispatches).toBe(3);
    expect(counts.computePasses).toBeGreaterThanOrEqual(1);
    expect(counts.submits).toBeGreaterThanOrEqual(1);
    expect(backend.device).toBe(device);
    expect(backend.queue).toBe(queue);
    await expect(countWebGpuCommands({}, async () => 0)).rejects.toThrow(/not tfjs-backend-webgpu/);
    tf.dispose([params.w, grads.w, scale]);
    opt.dispose();
  });
});
