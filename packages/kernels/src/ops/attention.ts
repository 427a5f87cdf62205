// Causal scaled dot-product self-attention with grouped-query heads (Ainslie et al. 2023), in
// Hugging Face's head order: query head h reads KV head floor(h / (H / KV)) (repeat_kv).
// Keys may be longer than queries (a KV cache): query i sits at position offset + i and sees
// keys 0 .. offset + i.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors';
import { showValue } from '@tinylm/errors';
import { checkDim, checkDtype, checkRank } from './check';
import { customGradOp } from './custom-grad';
import { hasFusedKernel, runFused } from './fused';
import { ATTENTION, ATTENTION_GRAD, type HeadLayout } from '../kernels/names';
import { parseOptions } from '@tinylm/errors';
import { attentionOptions } from '../options';

export interface AttentionOptions {
  /** Position of the first query among the keys; default keys - queries (a KV cache). */
  offset?: number;
  /**
   * 'bhtd' (default): q (B, H, T, D), k and v (B, KV, S, D). 'bthd': (B, T, H, D) and (B, S, KV, D),
   * the projections reshaped with no transpose; the output has the same layout.
   */
  layout?: HeadLayout;
}

/** Additive causal mask (T, S): 0 where key j <= offset + i, -1e9 elsewhere. */
export function causalMask(t: number, s: number, offset: number): tf.Tensor2D {
  const m = new Float32Array(t * s);
  for (let i = 0; i < t; i++) for (let j = offset + i + 1; j < s; j++) m[i * s + j] = -1e9;
  return tf.tensor2d(m, [t, s]);
}

/** q (B, H, T, D), k and v (B, KV, S, D) -> (B, H, T, D); or all (B, T, H, D) with layout 'bthd'. */
export function causalSelfAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options: AttentionOptions = {}): tf.Tensor {
  options = parseOptions(attentionOptions, options, 'causalSelfAttention');
  const layout = options.layout ?? 'bhtd';
  if (layout !== 'bhtd' && layout !== 'bthd')
    throw new ArgumentError(`causalSelfAttention: layout must be 'bhtd' or 'bthd', got ${showValue(layout)}`);
  const [ha, ta] = layout === 'bhtd' ? [1, 2] : [2, 1]; // heads axis, sequence axis
  const [qDesc, kDesc] =
    layout === 'bhtd'
      ? ['(batch, heads, seq, headDim)', '(batch, kvHeads, keys, headDim)']
      : ['(batch, seq, heads, headDim)', '(batch, keys, kvHeads, headDim)'];
  checkRank('causalSelfAttention', 'q', q, 4, qDesc);
  checkRank('causalSelfAttention', 'k', k, 4, kDesc);
  checkRank('causalSelfAttention', 'v', v, 4, kDesc);
  checkDtype('causalSelfAttention', 'q', q, ['float32']);
  const [b, h, t, d] = [q.shape[0], q.shape[ha], q.shape[ta], q.shape[3]] as number[];
  const [kv, s] = [k.shape[ha], k.shape[ta]] as number[];
  checkDim('causalSelfAttention', 'k', k, 0, b, 'the batch size of q');
  checkDim('causalSelfAttention', 'k', k, 3, d, 'the head size of q');
  if (kv <= 0 || h % kv !== 0) {
    throw new ArgumentError(`causalSelfAttention: num_heads (${h}, q axis ${ha}) must be divisible by num_kv_heads (${kv}, k axis ${ha})`);
  }
  for (const axis of [0, 1, 2, 3]) checkDim('causalSelfAttention', 'v', v, axis, k.shape[axis], `axis ${axis} of k`);
  const offset = options.offset ?? s - t;
  if (!Number.isInteger(offset) || offset < 0 || offset + t > s) {
    throw new ArgumentError(`causalSelfAttention: offset must be an integer in [0, ${s - t}] (keys - queries), got ${offset}`);
  }
  if (hasFusedKernel(ATTENTION)) {
    const fused = customGradOp(([qq, kk, vv], save) => {
      const [out, lse] = runFused(ATTENTION, { q: qq, k: kk, v: vv }, { offset, layout }); // q's layout, (B, H, T)
      save([qq, kk, vv, out, lse]);
      return {
        value: out,
        gradFunc: (dy, [qs, ks, vs, os, ls]) => runFused(ATTENTION_GRAD, { q: qs, k: ks, v: vs, out: os, lse: ls, dy }, { offset, layout }),
      };
    });
    return fused(q, k, v);
  }
  if (layout === 'bthd') {
    const heads = (x: tf.Tensor) => tf.transpose(x, [0, 2, 1, 3]);
    return tf.tidy(() => heads(causalSelfAttention(heads(q), heads(k), heads(v), { offset })));
  }
  const g = h / kv;
  return tf.tidy(() => {
    const qg = tf.reshape(q, [b, kv, g * t, d]); // (B, KV, G*T, D): heads of one group share K/V
    const scores = tf.mul(tf.matMul(qg, k, false, true), 1 / Math.sqrt(d)); // (B, KV, G*T, S)
    const masked = tf.add(tf.reshape(scores, [b, kv, g, t, s]), causalMask(t, s, offset)); // (B, KV, G, T, S)
    const att = tf.reshape(tf.softmax(masked, -1), [b, kv, g * t, s]);
    return tf.reshape(tf.matMul(att, v), [b, h, t, d]); // (B, H, T, D)
  });
}
