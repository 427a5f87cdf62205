// Bad input is an error naming the argument, the value and what is allowed, raised before any
// backend work (no tensor is created by a rejected call).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init';
import { ArgumentError } from '../errors';
import { causalSelfAttention } from './attention';
import { crossEntropy } from './cross-entropy';
import { embedding } from './embedding';
import { rmsNorm } from './rms-norm';
import { applyRotary, rotaryTables } from './rotary';
import { swigluMlp } from './swiglu';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Builds the arguments, then checks the call throws and creates no tensor. */
function rejects(args: () => unknown[], f: (...a: never[]) => unknown, message: RegExp): void {
  const a = args();
  const before = tf.memory().numTensors;
  let err: unknown;
  try {
    (f as (...x: unknown[]) => unknown)(...a);
  } catch (e) {
    err = e;
  }
  expect(ArgumentError.isInstance(err), String(err)).toBe(true);
  expect((err as Error).message).toMatch(message);
  expect(tf.memory().numTensors).toBe(before);
}

describe('argument errors', () => {
  // created lazily: describe bodies run before beforeAll has picked a backend
  let table: tf.Tensor;
  let q: tf.Tensor;
  let k4: tf.Tensor;
  beforeAll(() => {
    table = tf.zeros([10, 4]);
    q = tf.zeros([1, 6, 3, 8]);
    k4 = tf.zeros([1, 4, 3, 8]);
  });

  it('float ids', () => {
    rejects(() => [table, tf.tensor1d([1, 2])], embedding, /embedding: ids must be int32 token ids, got dtype float32/);
  });

  it('num_heads not divisible by num_kv_heads', () => {
    rejects(() => [q, k4, k4], causalSelfAttention, /num_heads \(6, q axis 1\) must be divisible by num_kv_heads \(4, k axis 1\)/);
  });

  it('mismatched head size and batch', () => {
    const k = tf.zeros([1, 2, 3, 16]);
    rejects(() => [q, k, k], causalSelfAttention, /k axis 3 must equal the head size of q \(8\), got shape \[1, 2, 3, 16\]/);
    const kb = tf.zeros([2, 2, 3, 8]);
    rejects(() => [q, kb, kb], causalSelfAttention, /k axis 0 must equal the batch size of q \(1\)/);
  });

  it('odd head size for rotary', () => {
    rejects(() => [4, 7], rotaryTables, /headDim must be even for rotary, got 7/);
    rejects(
      () => [tf.zeros([1, 1, 4, 7]), { cos: tf.zeros([4, 7]) as tf.Tensor2D, sin: tf.zeros([4, 7]) as tf.Tensor2D }],
      applyRotary,
      /head size \(x axis 3\) must be even for rotary, got 7/,
    );
  });

  it('rotary tables for the wrong sequence length', () => {
    rejects(() => [tf.zeros([1, 1, 4, 8]), rotaryTables(5, 8)], applyRotary, /cos axis 0 must equal the sequence length of x \(4\)/);
  });

  it('rank and shape mismatches', () => {
    rejects(() => [tf.zeros([2, 8]), tf.ones([4])], rmsNorm, /rmsNorm: weight axis 0 must equal the last axis of x \(8\), got shape \[4\]/);
    rejects(
      () => [tf.zeros([6, 3, 8]), k4, k4],
      causalSelfAttention,
      /q must have rank 4 \(batch, heads, seq, headDim\), got shape \[6, 3, 8\]/,
    );
    rejects(
      () => [tf.zeros([2, 8]), tf.zeros([12, 8]), tf.zeros([12, 8]), tf.zeros([8, 10])],
      swigluMlp,
      /wDown axis 1 must equal the FFN size of wGate \(12\)/,
    );
  });

  it('cross-entropy targets: dtype and shape', () => {
    rejects(() => [tf.zeros([2, 5]), tf.tensor1d([1, 2])], crossEntropy, /targets must be int32 token ids, got dtype float32/);
    rejects(
      () => [tf.zeros([2, 5]), tf.tensor1d([1, 2, 3], 'int32')],
      crossEntropy,
      /targets shape \[3\] must equal logits shape without its last axis \[2\]/,
    );
  });
});
