// Add, Sub and Multiply on the blas backend: its own kernels (not tfjs-cpu's) for equal shapes and
// a single value on either side, tfjs-cpu's for other broadcasts; the same numbers as tfjs-cpu.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gate } from '../../../../../tooling/test-env';
import { initBackend } from '../../backend/init';
import { probeBackend } from '../../backend/probe';

const blas = await probeBackend('blas');

describe.runIf(gate('blas', blas.available, blas.reason))('binary kernels on blas', () => {
  it('are registered as tinylm kernels under tfjs kernel names', async () => {
    await initBackend({ backend: 'blas' });
    for (const name of ['Add', 'Sub', 'Multiply']) {
      expect(tf.getKernel(name, 'blas')?.kernelFunc, name).not.toBe(tf.getKernel(name, 'cpu')?.kernelFunc);
    }
  });

  it('equal shapes, a scalar on either side, a size-1 tensor of equal rank, and a general broadcast equal tfjs-cpu', async () => {
    const cases: [number[], number[]][] = [
      [
        [3, 5],
        [3, 5],
      ],
      [[3, 5], []],
      [[], [3, 5]],
      [
        [1, 1, 1],
        [2, 3, 7],
      ],
      [[2, 3, 7], [1]],
      [
        [4, 1],
        [1, 6],
      ],
    ];
    const ops = [tf.add, tf.sub, tf.mul];
    const run = async (backend: string) => {
      await initBackend({ backend });
      const out: number[][] = [];
      for (const [sa, sb] of cases) {
        const a = tf.tensor(
          Float32Array.from({ length: sa.reduce((p, q) => p * q, 1) }, (_, i) => Math.sin(i + 1) * 3),
          sa,
        );
        const b = tf.tensor(
          Float32Array.from({ length: sb.reduce((p, q) => p * q, 1) }, (_, i) => Math.cos(i + 2) * 2),
          sb,
        );
        for (const op of ops) {
          const y = op(a, b);
          out.push([...y.shape, ...(await y.data())]);
          y.dispose();
        }
        tf.dispose([a, b]);
      }
      return out;
    };
    const got = await run('blas');
    const want = await run('cpu');
    expect(got).toEqual(want);
  });
});
