// The blas AdamW kernel updates a parameter and its moments in place only when nothing else can
// see them: a checkpoint's copies (getState), an array the user read, and a tensor sharing the
// parameter's memory keep their values; the in-place steps give the same bits as fresh arrays.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gate } from '../../../../../tooling/test-env';
import { initBackend } from '../../backend/init';
import { probeBackend } from '../../backend/probe';
import type { BlasBackend } from '../../blas/backend';
import { AdamW } from '../../optim/adamw';

const blas = await probeBackend('blas');
const wave = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + s));
const N = 70_000; // three units of work

describe.runIf(gate('blas', blas.available, blas.reason)).each([1, 2])('AdamW in place on blas, %i thread(s)', (threads) => {
  it('leaves checkpoints, read arrays and views alone, and matches fresh arrays bit for bit', async () => {
    await initBackend({ backend: 'blas', threads });
    const backend = tf.backend() as unknown as BlasBackend;
    const grad = { w: tf.tensor(wave(N, 1)) };
    const run = (steps: number, before?: (p: Record<string, tf.Variable>, opt: AdamW, step: number) => void) => {
      const params = { w: tf.variable(tf.tensor(wave(N, 2))) };
      const opt = new AdamW({ lr: 1e-2, weightDecay: 0.1 });
      for (let s = 0; s < steps; s++) {
        before?.(params, opt, s);
        opt.apply(params, grad);
      }
      return { params, opt };
    };
    // reference: a clone held through every step, so no step may write in place
    const clones: tf.Tensor[] = [];
    const taken: number[][] = [];
    const fresh = run(4, (p) => {
      clones.push(tf.clone(p.w));
      expect(backend.writableInPlace(p.w)).toBe(false);
      taken.push(Array.from(p.w.dataSync()));
    });
    const inPlace = run(4);
    expect(backend.writableInPlace(inPlace.params.w)).toBe(true);
    expect(Array.from(inPlace.params.w.dataSync())).toEqual(Array.from(fresh.params.w.dataSync()));
    // every clone kept the value it had when it was taken
    clones.forEach((c, i) => expect(Array.from(c.dataSync()), `clone ${i}`).toEqual(taken[i]));
    expect(taken[3]).not.toEqual(taken[2]);

    // a checkpoint taken between steps keeps its moments
    const state = inPlace.opt.getState();
    const savedM = Array.from(state.m.w.dataSync());
    inPlace.opt.apply(inPlace.params, grad);
    expect(Array.from(state.m.w.dataSync())).toEqual(savedM);
    // an array the user read keeps its values (on one thread the read hands out the tensor's own array)
    const read = inPlace.params.w.dataSync();
    const readCopy = Array.from(read);
    inPlace.opt.apply(inPlace.params, grad);
    expect(Array.from(read)).toEqual(readCopy);
    // a reshape shares the parameter's memory: it keeps the old value
    const view = tf.reshape(inPlace.params.w, [N / 2, 2]);
    const viewed = Array.from(view.dataSync());
    inPlace.opt.apply(inPlace.params, grad);
    expect(Array.from(view.dataSync())).toEqual(viewed);
    tf.dispose([view, ...clones, grad.w, fresh.params.w, inPlace.params.w, state.m.w, state.v.w]);
    fresh.opt.dispose();
    inPlace.opt.dispose();
  });
});
