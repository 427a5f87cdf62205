// The blas backend's thread pool: every kernel that splits its work gives the same bits on one
// thread and on two (forward, gradients, AdamW, the global norm), the workers really ran each of
// them, a worker's error reaches the caller, and shared tensor memory never leaks to the user.
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { gate } from '../../../../tooling/test-env';
import { initBackend } from '../backend/init';
import { probeBackend } from '../backend/probe';
import type { PartName } from '../kernels/blas/parts';
import { causalSelfAttention } from '../ops/attention';
import { crossEntropy } from '../ops/cross-entropy';
import { rmsNorm } from '../ops/rms-norm';
import { applyRotary, rotaryTables } from '../ops/rotary';
import { swiglu } from '../ops/swiglu';
import { AdamW } from '../optim/adamw';
import { globalNorm } from '../optim/clip-grad-norm';
import type { BlasBackend } from './backend';
import { isShared } from './buffer-pool';
import { ThreadPool } from './thread-pool';

const blas = await probeBackend('blas');
const twoCores = availableParallelism() >= 2;
if (!twoCores) console.warn('[tinylm tests] skipping the blas thread-pool tests: this machine has one core');
const runs = gate('blas', blas.available, blas.reason) && twoCores;

const wave = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + s));

// sizes that give every kernel more than one unit of work (see src/kernels/blas/parts/context.ts)
const [B, T, H, KV, D] = [2, 128, 8, 2, 32];
const [N, C, F, V] = [B * T, H * D, 688, 1024];

/** A small decoder-shaped graph through every kernel the pool splits; returns every output. */
function everything(): Record<string, Float32Array> {
  const p = {
    x: tf.tensor(wave(N * C, 1), [N, C]),
    norm: tf.tensor(wave(C, 2), [C]),
    wq: tf.tensor(wave(C * C, 3), [C, C]),
    wkv: tf.tensor(wave(C * KV * D, 4), [C, KV * D]),
    wg: tf.tensor(wave(C * F, 5), [C, F]),
    wu: tf.tensor(wave(C * F, 6), [C, F]),
    wd: tf.tensor(wave(F * C, 7), [F, C]),
    head: tf.tensor(wave(C * V, 8), [C, V]),
  };
  const targets = tf.tensor(
    Int32Array.from({ length: N }, (_, i) => (i * 7919) % V),
    [N],
    'int32',
  );
  const tables = rotaryTables(T, D);
  const loss = (
    x: tf.Tensor,
    norm: tf.Tensor,
    wq: tf.Tensor,
    wkv: tf.Tensor,
    wg: tf.Tensor,
    wu: tf.Tensor,
    wd: tf.Tensor,
    head: tf.Tensor,
  ) => {
    const h = rmsNorm(x, norm);
    const q = applyRotary(tf.reshape(tf.mul(tf.matMul(h, wq), 0.1), [B, T, H, D]), tables, { layout: 'bthd' });
    const kv = tf.reshape(tf.mul(tf.matMul(h, wkv), 0.1), [B, T, KV, D]);
    const k = applyRotary(kv, tables, { layout: 'bthd' });
    const a = tf.add(x, tf.reshape(causalSelfAttention(q, k, kv, { layout: 'bthd' }), [N, C]));
    const m = tf.add(a, tf.matMul(swiglu(tf.mul(tf.matMul(a, wg), 0.05), tf.matMul(a, wu)), wd));
    return crossEntropy(tf.mul(tf.matMul(m, head), 0.01), targets);
  };
  const inputs = Object.values(p);
  const { value, grads } = tf.valueAndGrads(loss as (...t: tf.Tensor[]) => tf.Scalar)(inputs);
  const vars = Object.fromEntries(Object.entries(p).map(([name, t]) => [name, tf.variable(t, true, `pool-${name}-${Math.random()}`)]));
  const named = Object.fromEntries(Object.keys(p).map((name, i) => [name, grads[i]]));
  const norm = globalNorm(named);
  new AdamW({ lr: 1e-3, weightDecay: 0.1 }).apply(vars, named, 1e-3, tf.div(1, tf.maximum(norm, 1)) as tf.Scalar);
  const out: Record<string, Float32Array> = { loss: value.dataSync() as Float32Array, norm: norm.dataSync() as Float32Array };
  for (const [name, g] of Object.entries(named)) out[`grad ${name}`] = g.dataSync() as Float32Array;
  for (const [name, v] of Object.entries(vars)) out[`adamw ${name}`] = v.dataSync() as Float32Array;
  return out;
}

const backend = () => tf.backend() as unknown as BlasBackend;

describe.runIf(runs)('blas thread pool', () => {
  afterAll(async () => {
    await initBackend({ backend: 'blas', threads: availableParallelism() });
  });

  it('gives the same bits on one thread and on two, and the workers ran every splitting kernel', async () => {
    const one = await initBackend({ backend: 'blas', threads: 1 });
    expect(one.blas?.threading).toBe('one thread');
    const single = tf.tidy(everything);
    const two = await initBackend({ backend: 'blas', threads: 2 });
    expect(two.blas?.threading).toMatch(/every kernel split over 2 threads/);
    const pool = backend().threadPool!;
    const run = vi.spyOn(pool, 'run');
    const pooled = tf.tidy(everything);
    const ran = new Set(run.mock.calls.map((c) => c[0] as PartName));
    run.mockRestore();
    const parts: PartName[] = [
      'sgemmRows',
      'attentionFwd',
      'attentionBwd',
      'swigluFwd',
      'swigluBwd',
      'binary',
      'adamw',
      'sumSquares',
      'rmsNormFwd',
      'rmsNormBwd',
      'rotary',
      'xentFwd',
      'xentBwd',
    ];
    for (const part of parts) expect(ran, part).toContain(part);
    expect(Object.keys(pooled)).toEqual(Object.keys(single));
    for (const [name, values] of Object.entries(single)) {
      expect(Number.isFinite(values[0]), name).toBe(true);
      const differing = values.filter((x, i) => !Object.is(x, pooled[name][i])).length;
      expect(differing, `${name}: entries that differ between 1 and 2 threads`).toBe(0);
    }
  });

  it('hands users ordinary memory: reads are copies and a written array is not aliased', async () => {
    await initBackend({ backend: 'blas', threads: 2 });
    const mine = new Float32Array([1, 2, 3, 4]);
    const t = tf.tensor(mine);
    mine[0] = 100;
    const read = t.dataSync() as Float32Array;
    expect(Array.from(read)).toEqual([1, 2, 3, 4]);
    expect(isShared(read)).toBe(false);
    expect(isShared(backend().values(t as unknown as tf.TensorInfo))).toBe(true);
    t.dispose();
  });

  it("a worker's error reaches the caller with its message", async () => {
    await initBackend({ backend: 'blas', threads: 2 });
    const pool = backend().threadPool!;
    expect(() => pool.run('noSuchPart' as PartName, {}, 2, () => {})).toThrow(
      /tinylm blas worker: tinylm blas: no kernel part named "noSuchPart"/,
    );
    // the pool still works afterwards
    const y = tf.tidy(() => tf.matMul(tf.ones([512, 256]), tf.ones([256, 256])).dataSync());
    expect(y[0]).toBe(256);
  });

  it('a worker that cannot load the BLAS file is a reason, not a crash', async () => {
    const r = await ThreadPool.start(2, '/nonexistent/libopenblas.so.0');
    expect(r).toMatch(/^a worker failed to start: cannot load \/nonexistent\/libopenblas\.so\.0/);
  });
});
