// Backend selection: explicit choice > TINYLM_BACKEND > best available; errors list what exists.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { gate } from '../../../../tooling/test-env';
import { BackendError, TinylmError } from '../errors';
import { formatBackendReport, initBackend } from './init';
import { BACKEND_NAMES } from './names';
import { probeBackends } from './probe';

const probes = await probeBackends();
const available = probes.filter((p) => p.available).map((p) => p.name);
const webgpu = probes.find((p) => p.name === 'webgpu')!;
const blas = probes.find((p) => p.name === 'blas')!;

afterEach(() => {
  delete process.env.TINYLM_BACKEND;
});

describe('initBackend', () => {
  it('probes every backend in preference order, with a reason each', () => {
    expect(probes.map((p) => p.name)).toEqual([...BACKEND_NAMES]);
    for (const p of probes) expect(p.reason.length).toBeGreaterThan(10);
    expect(probes.find((p) => p.name === 'cpu')!.available).toBe(true);
  });

  it('an explicit choice wins over TINYLM_BACKEND', async () => {
    process.env.TINYLM_BACKEND = 'wasm';
    const r = await initBackend({ backend: 'cpu' });
    expect(r.backend).toBe('cpu');
    expect(r.reason).toBe('requested by the caller');
    expect(tf.getBackend()).toBe('cpu');
    expect(r.threads).toBe(1);
  });

  it('TINYLM_BACKEND picks the backend when no choice is given', async () => {
    process.env.TINYLM_BACKEND = 'wasm';
    const r = await initBackend();
    expect(r.backend).toBe('wasm');
    expect(r.reason).toMatch(/TINYLM_BACKEND/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('with no choice, takes the best available (a software WebGPU adapter after wasm) and says what it skipped', async () => {
    const r = await initBackend();
    const preferred = [...probes.filter((p) => p.available && !p.software), ...probes.filter((p) => p.available && p.software)];
    expect(r.backend).toBe(preferred[0].name);
    if (webgpu.software) expect(r.reason).toMatch(/webgpu: .* is a software adapter, slower than wasm/);
    expect(r.reason).toMatch(/^best available/);
    if (available[0] !== 'tensorflow') expect(r.reason).toMatch(/tensorflow: /);
    expect(formatBackendReport(r)).toMatch(new RegExp(`^backend: ${r.backend} `));
  });

  it('an unknown name is an error listing the valid and the available backends', async () => {
    const err = await initBackend({ backend: 'cuda' }).catch((e) => e);
    expect(BackendError.isInstance(err)).toBe(true);
    expect(TinylmError.isInstance(err)).toBe(true);
    expect(err.message).toMatch(/unknown backend "cuda" \(requested by the caller\); choose one of tensorflow, webgpu, blas, wasm, cpu/);
    expect(err.message).toContain(`available here: ${available.join(', ')}`);
  });

  it('an unknown TINYLM_BACKEND says it came from the environment', async () => {
    process.env.TINYLM_BACKEND = 'gpu';
    await expect(initBackend()).rejects.toThrow(/unknown backend "gpu" \(requested by TINYLM_BACKEND\)/);
  });

  it.runIf(!available.includes('tensorflow'))('an unavailable backend is an error naming why and what is available', async () => {
    await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrow(
      /backend "tensorflow" \(requested by the caller\) is not available: .*not installed.*Available here: /,
    );
  });

  describe.runIf(gate('blas', blas.available, blas.reason))('blas', () => {
    it('reports the BLAS library, its file and the thread count; a thread count outside 1..cores is refused', async () => {
      const r = await initBackend({ backend: 'blas', threads: 1 });
      expect(r.backend).toBe('blas');
      expect(r.threads).toBe(1);
      expect((tf.backend() as unknown as { threads: number }).threads).toBe(1);
      expect(r.blas?.vendor).toBeTruthy();
      expect(r.blas?.file).toMatch(/\//);
      expect(formatBackendReport(r)).toMatch(/^blas: \S+ at \//m);
      await expect(initBackend({ backend: 'blas', threads: 0 })).rejects.toThrow(
        /threads must be an integer from 1 to \d+ \(the cores of this machine\), got 0/,
      );
      await expect(initBackend({ backend: 'blas', threads: 4096 })).rejects.toThrow(/got 4096/);
      // a second call with another count reaches the running backend (attention restores it)
      const cores = (await import('node:os')).availableParallelism();
      const again = await initBackend({ backend: 'blas', threads: cores });
      expect(again.threads).toBe(cores);
      expect((tf.backend() as unknown as { threads: number }).threads).toBe(cores);
      process.env.TINYLM_THREADS = '1.5';
      await expect(initBackend({ backend: 'blas' })).rejects.toThrow(/TINYLM_THREADS=1.5 must be an integer/);
      delete process.env.TINYLM_THREADS;
    });
  });

  describe.runIf(gate('webgpu', webgpu.available, webgpu.reason))('webgpu', () => {
    it('reports the adapter it runs on', async () => {
      const r = await initBackend({ backend: 'webgpu' });
      expect(r.backend).toBe('webgpu');
      expect(r.adapter).toBeTruthy();
      expect(tf.getBackend()).toBe('webgpu');
    });
  });
});
