// benchTrain reports, beside its timings, the tfjs kernel calls of a step, and on webgpu the
// submits, compute passes and dispatches it sends: fused kernels must keep those counts down.
import { resolveConfig } from '@tinylm/arch-config';
import { initBackend, probeBackends } from '@tinylm/kernels';
import { afterAll, describe, expect, it } from 'vitest';
import { backendsUnderTest } from '../../../tooling/backends-under-test';
import { benchTrain } from './bench';

const config = resolveConfig({
  vocabSize: 64,
  hiddenSize: 32,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  intermediateSize: 48,
  maxPositionEmbeddings: 16,
});
const backends = (await backendsUnderTest(probeBackends)).filter((b) => b !== 'tensorflow');

describe.each(backends)('benchTrain on %s', (backend) => {
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('counts the kernel calls (and on webgpu the GPU commands) of a step', async () => {
    await initBackend({ backend });
    const r = await benchTrain(config, { batch: 2, seq: 8, steps: 1, warmup: 1, webgpuStep: 'tfjs' });
    expect(r.losses).toHaveLength(2);
    expect(r.step_path).toBe('tfjs');
    expect(r.kernel_calls_per_step).toBeGreaterThan(50);
    if (backend === 'webgpu') {
      // fused kernels: 325 tfjs calls for these 2 layers on 2026-12-02 (the composed ops make ~850)
      expect(r.kernel_calls_per_step).toBeLessThan(400);
      expect(r.gpu?.dispatches_per_step).toBeGreaterThan(20);
      expect(r.gpu!.dispatches_per_step).toBeLessThan(r.kernel_calls_per_step * 2);
      expect(r.gpu?.submits_per_step).toBeGreaterThanOrEqual(1);
    } else expect(r.gpu).toBeUndefined();
  });

  it.runIf(backend === 'webgpu')('times the compiled step by default on webgpu: one submit, no tfjs kernels', async () => {
    await initBackend({ backend });
    const r = await benchTrain(config, { batch: 2, seq: 8, steps: 2, warmup: 1 });
    expect(r.step_path).toBe('compiled webgpu step');
    expect(r.losses).toHaveLength(3);
    expect(r.kernel_calls_per_step).toBe(0);
    expect(r.gpu).toEqual({ submits_per_step: 1, compute_passes_per_step: 1, dispatches_per_step: 25 * config.numLayers + 13 });
  });
});
