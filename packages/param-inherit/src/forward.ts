// The source model's forward pass, instrumented for the data-driven criteria: the same ops in the
// same order as @tinylm/model's LlamaModel.forward (a test checks the logits are identical), run on
// a chosen subset of the source layers, with
//   - probes that see each layer's residual in/out (block influence), each head's attention output,
//     each FFN neuron's activation silu(gate) * up, and every RMSNorm output (activation scores);
//   - optional mask values (hard-concrete samples or their deterministic values) multiplying whole
//     layers' residual writes, query heads' outputs, FFN activations and hidden channels (the
//     embedding table's columns and every residual write), as in Sheared-LLaMA's masked model.
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from '@tinylm/arch-config';
import { applyRotary, causalSelfAttention, embedding, rmsNorm, rotaryTables, swiglu } from '@tinylm/kernels';
import { EMBED, FINAL_NORM, LM_HEAD, layerName } from '@tinylm/model';

/** Mask values, indexed by position in the `layers` list given to `forwardLogits`. */
export interface MaskValues {
  /** (Lw): multiplies layer i's attention and MLP residual writes. */
  layer?: tf.Tensor;
  /** (Lw, H): multiplies each query head's attention output (KV-group masks already folded in). */
  heads?: tf.Tensor;
  /** (Lw, F): multiplies each FFN neuron's activation. */
  ffn?: tf.Tensor;
  /** (C): multiplies the embedding table's columns (so the tied head too) and every residual write. */
  hidden?: tf.Tensor;
}

/** Observers of intermediate values (called inside a tidy: tf.keep what must outlive it). */
export interface ForwardProbe {
  /** Residual stream before and after working layer i: (B, T, C) each. */
  layerIO?(i: number, xIn: tf.Tensor, xOut: tf.Tensor): void;
  /** Attention output of working layer i, per query head: (B, H, T, D). */
  heads?(i: number, att: tf.Tensor): void;
  /** FFN activation silu(gate) * up of working layer i: (B*T, F). */
  ffn?(i: number, h: tf.Tensor): void;
  /** An RMSNorm output (B*T, C): before attention / MLP of working layer i, or the final norm (i = -1). */
  normed?(i: number, xn: tf.Tensor): void;
}

/**
 * ids (B, T) int32 -> logits (B, T, V) of the source model restricted to `layers` (source layer
 * indices, in order). `weights` holds source tensors by Hugging Face name (lm_head may be absent
 * when the config ties embeddings).
 */
export function forwardLogits(
  c: LlamaConfig,
  weights: ReadonlyMap<string, tf.Tensor>,
  layers: readonly number[],
  ids: tf.Tensor,
  masks: MaskValues = {},
  probe: ForwardProbe = {},
): tf.Tensor3D {
  const [b, t] = ids.shape as [number, number];
  const [h, kvh, d] = [c.numHeads, c.numKvHeads, c.hiddenSize / c.numHeads];
  const p = (name: string) => {
    const x = weights.get(name);
    if (!x) throw new Error(`forwardLogits: weight ${name} not loaded`);
    return x;
  };
  return tf.tidy(() => {
    const rope = rotaryTables(t, d, c.ropeTheta, 0); // (T, D) each
    const table = masks.hidden ? tf.mul(p(EMBED), masks.hidden) : p(EMBED); // (V, C)
    let x = embedding(table, ids); // (B, T, C)
    const zLayer = masks.layer ? tf.unstack(masks.layer) : undefined;
    const zHeads = masks.heads ? tf.unstack(masks.heads) : undefined;
    const zFfn = masks.ffn ? tf.unstack(masks.ffn) : undefined;
    const write = (i: number, y: tf.Tensor) => {
      let out = y;
      if (zLayer) out = tf.mul(out, zLayer[i]);
      if (masks.hidden) out = tf.mul(out, masks.hidden);
      return out;
    };
    layers.forEach((src, i) => {
      const w = (leaf: string) => p(layerName(src, leaf));
      const xIn = x;
      // attention
      const hn = tf.reshape(rmsNorm(x, w('input_layernorm.weight'), c.rmsNormEps), [b * t, c.hiddenSize]); // (B*T, C)
      probe.normed?.(i, hn);
      const heads = (proj: string, n: number) => tf.transpose(tf.reshape(tf.matMul(hn, w(proj), false, true), [b, t, n, d]), [0, 2, 1, 3]); // (B, n, T, D)
      const q = applyRotary(heads('self_attn.q_proj.weight', h), rope); // (B, H, T, D)
      const k = applyRotary(heads('self_attn.k_proj.weight', kvh), rope); // (B, KV, T, D)
      const v = heads('self_attn.v_proj.weight', kvh); // (B, KV, T, D)
      let att = causalSelfAttention(q, k, v); // (B, H, T, D)
      probe.heads?.(i, att);
      if (zHeads) att = tf.mul(att, tf.reshape(zHeads[i], [1, h, 1, 1]));
      const merged = tf.reshape(tf.transpose(att, [0, 2, 1, 3]), [b * t, h * d]); // (B*T, H*D)
      x = tf.add(x, write(i, tf.reshape(tf.matMul(merged, w('self_attn.o_proj.weight'), false, true), [b, t, c.hiddenSize])));
      // feed-forward (swigluMlp's ops, opened up to see and mask the activation)
      const hn2 = rmsNorm(x, w('post_attention_layernorm.weight'), c.rmsNormEps); // (B, T, C)
      const x2 = tf.reshape(hn2, [-1, c.hiddenSize]); // (B*T, C)
      probe.normed?.(i, x2);
      let act = swiglu(tf.matMul(x2, w('mlp.gate_proj.weight'), false, true), tf.matMul(x2, w('mlp.up_proj.weight'), false, true)); // (B*T, F)
      probe.ffn?.(i, act);
      if (zFfn) act = tf.mul(act, zFfn[i]);
      x = tf.add(x, write(i, tf.reshape(tf.matMul(act, w('mlp.down_proj.weight'), false, true), hn2.shape)));
      probe.layerIO?.(i, xIn, x);
    });
    const xf = tf.reshape(rmsNorm(x, p(FINAL_NORM), c.rmsNormEps), [b * t, c.hiddenSize]); // (B*T, C)
    probe.normed?.(-1, xf);
    const head = c.tieWordEmbeddings ? table : p(LM_HEAD); // (V, C)
    return tf.reshape(tf.matMul(xf, head, false, true), [b, t, c.vocabSize]) as tf.Tensor3D; // (B, T, V)
  });
}

/** A batch of windows (each seqLen + 1 ids) as ids and next-token targets, (B, T) int32 each. */
export function batchTensors(windows: readonly Int32Array[]): { ids: tf.Tensor2D; targets: tf.Tensor2D } {
  const b = windows.length;
  const t = windows[0].length - 1;
  const ids = new Int32Array(b * t);
  const targets = new Int32Array(b * t);
  windows.forEach((w, i) => {
    ids.set(w.subarray(0, t), i * t);
    targets.set(w.subarray(1, t + 1), i * t);
  });
  return { ids: tf.tensor2d(ids, [b, t], 'int32'), targets: tf.tensor2d(targets, [b, t], 'int32') };
}
