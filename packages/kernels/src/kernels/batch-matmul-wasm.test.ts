// The wasm BatchMatMul replacement against a float64 reference: every transpose combination,
// 2-D and batched, and the gradients that use them.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { randn, worstError } from '../testing/reference64';

function matmul64(a: Float64Array, b: Float64Array, [batch, m, k, n]: number[], ta: boolean, tb: boolean): Float64Array {
  const out = new Float64Array(batch * m * n);
  for (let z = 0; z < batch; z++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = ta ? a[z * k * m + p * m + i] : a[z * m * k + i * k + p];
          const bv = tb ? b[z * n * k + j * k + p] : b[z * k * n + p * n + j];
          acc += av * bv;
        }
        out[z * m * n + i * n + j] = acc;
      }
  return out;
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('wasm BatchMatMul (tinylm replacement)', () => {
  it('is the registered wasm kernel', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(String(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc)).toMatch(/swapLast/);
  });

  for (const batch of [1, 3]) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`batch ${batch}, transposeA ${ta}, transposeB ${tb}`, async () => {
        const [m, k, n] = [5, 7, 4];
        const a = Float64Array.from(Float32Array.from(randn(batch * m * k, 1)));
        const b = Float64Array.from(Float32Array.from(randn(batch * k * n, 2)));
        const shapeA = ta ? [batch, k, m] : [batch, m, k];
        const shapeB = tb ? [batch, n, k] : [batch, k, n];
        const got = await tf.matMul(tf.tensor(Float32Array.from(a), shapeA), tf.tensor(Float32Array.from(b), shapeB), ta, tb).data();
        expect(worstError(got, matmul64(a, b, [batch, m, k, n], ta, tb), 1e-5, 1e-5)).toBeLessThanOrEqual(1);
      });
    }
  }

  it('leaves no intermediate tensor behind', () => {
    const a = tf.ones([6, 4]); // a^T: (4, 6)
    const b = tf.ones([5, 6]); // b^T: (6, 5)
    const dataIds = () => tf.backend().numDataIds();
    const before = dataIds();
    tf.matMul(a, b, true, true).dispose(); // both operands transposed into temporaries
    expect(dataIds()).toBe(before);
  });
});
