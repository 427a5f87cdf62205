// AdamW and global-norm clipping against torch.optim.AdamW and clip_grad_norm_ (float64),
// three steps with decay and no-decay parameters, clipping active on the first step.
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPython, runPython } from '../../../../tooling/python';
import { gate } from '../../../../tooling/test-env';
import { initBackend } from '../backend/init';
import { ArgumentError } from '../errors';
import { randn, worstError } from '../testing/reference64';
import { probeBackends } from '../backend/probe';
import { backendsUnderTest } from '../../../../tooling/backends-under-test';
import { AdamW } from './adamw';
import { clipGradNorm, clipScale, globalNorm } from './clip-grad-norm';

const py = findPython(['torch']);
const hasTorch = gate('python', 'python' in py, 'missing' in py ? py.missing : '');
const script = fileURLToPath(new URL('../__fixtures__/adamw_torch_ref.py', import.meta.url));

const shapes: Record<string, number[]> = { 'layer.weight': [3, 4], 'norm.weight': [4] };
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const init = Object.fromEntries(Object.entries(shapes).map(([k, s], i) => [k, Array.from(randn(size(s), 20 + i))]));
const gradSteps = [5, 0.1, 0.2].map((scale, step) =>
  Object.fromEntries(Object.entries(shapes).map(([k, s], i) => [k, Array.from(randn(size(s), 40 + step * 7 + i, scale))])),
);
const hp = { lr: 0.05, betas: [0.9, 0.95], eps: 1e-8, weight_decay: 0.1, max_norm: 1.0 };

// the fused AdamW / norm kernels (blas, webgpu) and the composed path (cpu) against the same reference
const optimBackends = (await backendsUnderTest(probeBackends)).filter((b) => b === 'cpu' || b === 'blas' || b === 'webgpu');

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe.runIf(hasTorch).each(
  optimBackends.flatMap((b) => [
    [b, 'clipped copies'],
    [b, 'gradScale'],
  ]),
)('AdamW + clipping vs PyTorch on %s (%s)', (backend, how) => {
  it('three steps match torch.optim.AdamW within float32 precision', async () => {
    await initBackend({ backend });
    const want = JSON.parse(
      runPython(
        (py as { python: string }).python,
        script,
        [],
        JSON.stringify({
          ...hp,
          params: Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, { shape: s, data: init[k] }])),
          grads: gradSteps,
          no_decay: ['norm.weight'],
        }),
      ),
    ) as { params: Record<string, number[]>; norms: number[] };
    const params = Object.fromEntries(
      Object.entries(shapes).map(([k, s]) => [k, tf.variable(tf.tensor(init[k], s), true, k.replace('.', '_'))]),
    );
    const opt = new AdamW({ lr: hp.lr, beta1: 0.9, beta2: 0.95, eps: hp.eps, weightDecay: hp.weight_decay });
    const norms: number[] = [];
    for (const step of gradSteps) {
      const raw = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, tf.tensor(step[k], s)]));
      if (how === 'gradScale') {
        const norm = globalNorm(raw);
        const scale = clipScale(norm, hp.max_norm);
        norms.push((await norm.data())[0]);
        opt.apply(params, raw, undefined, scale);
        tf.dispose([...Object.values(raw), norm, scale]);
      } else {
        const { grads, norm } = clipGradNorm(raw, hp.max_norm);
        norms.push((await norm.data())[0]);
        opt.apply(params, grads);
        tf.dispose([...Object.values(raw), ...Object.values(grads), norm]);
      }
    }
    expect(worstError(norms, want.norms, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    for (const k of Object.keys(shapes)) {
      expect(worstError(await params[k].data(), want.params[k], 1e-6, 1e-5), k).toBeLessThanOrEqual(1);
    }
    expect(opt.steps).toBe(3);
    opt.dispose();
    tf.dispose(Object.values(params));
    await initBackend({ backend: 'cpu' });
  });
});

describe('AdamW behaviour', () => {
  it('skips weight decay for rank-1 parameters by default and honours a custom rule', () => {
    const opt = new AdamW();
    expect(opt.decays('w', [4, 4])).toBe(true);
    expect(opt.decays('norm', [4])).toBe(false);
    const custom = new AdamW({ noDecay: (name) => name.startsWith('embed') });
    expect(custom.decays('embed.weight', [8, 4])).toBe(false);
    expect(custom.decays('norm', [4])).toBe(true);
  });

  it('getState / setState resume to identical updates', async () => {
    const mk = () => ({
      w: tf.variable(
        tf.tensor([
          [1, 2],
          [3, 4],
        ]),
        true,
      ),
    });
    const g = {
      w: tf.tensor([
        [0.1, -0.2],
        [0.3, 0.5],
      ]),
    };
    const a = mk();
    const optA = new AdamW({ lr: 0.1 });
    optA.apply(a, g);
    const b = mk();
    b.w.assign(a.w);
    const optB = new AdamW({ lr: 0.1 });
    optB.setState(optA.getState());
    optA.apply(a, g);
    optB.apply(b, g);
    expect(Array.from(await b.w.data())).toEqual(Array.from(await a.w.data()));
  });

  it('rejects bad hyper-parameters and mismatched gradients, naming them', () => {
    expect(() => new AdamW({ beta2: 1 })).toThrow(/beta2 must be in \[0, 1\), got 1/);
    expect(() => new AdamW({ eps: 0 })).toThrow(ArgumentError);
    const opt = new AdamW();
    const p = { w: tf.variable(tf.zeros([2, 2])) };
    expect(() => opt.apply(p, { w: tf.zeros([3]) })).toThrow(/gradient "w" has shape \[3\], parameter has \[2,2\]/);
    expect(() => opt.apply(p, { nope: tf.zeros([2, 2]) })).toThrow(/"nope" has no parameter/);
  });

  it('clipGradNorm with maxNorm Infinity only measures; a non-positive maxNorm is refused', async () => {
    const { grads, norm } = clipGradNorm({ a: tf.tensor([30, 40]) }, Infinity);
    expect((await norm.data())[0]).toBeCloseTo(50, 4);
    expect(Array.from(await grads.a.data())).toEqual([30, 40]);
    expect(() => clipGradNorm({ a: tf.tensor([1]) }, 0)).toThrow(/maxNorm must be > 0/);
  });

  it('clipGradNorm leaves small gradients unchanged and reports the norm', async () => {
    const { grads, norm } = clipGradNorm({ a: tf.tensor([0.3, 0.4]) }, 1);
    expect((await norm.data())[0]).toBeCloseTo(0.5, 6);
    expect(Array.from(await grads.a.data())).toEqual([Math.fround(0.3), Math.fround(0.4)]);
  });
});
