// The data-driven criteria that need forward (and backward) passes over calibration windows:
// - block influence (ShortGPT, Men et al. 2024, arXiv 2403.03853): BI_l = 1 - mean over tokens of
//   cos(h_in, h_out) of layer l, on the full source model;
// - activation (Minitron, Muralidharan et al. 2024, arXiv 2407.14679): mean |x| of the input each
//   unit sees: a head's attention output (o_proj's input), a neuron's silu(gate) * up (down_proj's
//   input), a hidden channel's RMSNorm outputs (the projections' inputs; summed over every norm);
// - taylor (first-order Taylor importance, Molchanov et al. 2019): |w * dL/dw| summed over a unit's
//   parameters (scores.ts) and over calibration batches.
// These hold the source weights in float32 (the kept layers; all layers for block influence) plus
// one batch's activations (and, for taylor, one gradient per weight): see docs/param-inherit.md.
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from '@tinylm/arch-config';
import type { HfCheckpoint } from '@tinylm/hf-io';
import { crossEntropy } from '@tinylm/kernels';
import { EMBED, FINAL_NORM, LAYER_LEAVES, LM_HEAD, layerName } from '@tinylm/model';
import { type CalibrationData, calibrationBatches } from './calibration';
import { batchTensors, forwardLogits } from './forward';
import { addHeadsToGroups, emptyScores, type ScoreNeeds, type UnitScores } from './scores';

/** Names of the tensors a forward pass over `layers` needs. */
export function forwardTensorNames(c: LlamaConfig, layers: readonly number[]): string[] {
  const names = [EMBED];
  for (const l of layers) for (const leaf of LAYER_LEAVES) names.push(layerName(l, leaf));
  names.push(FINAL_NORM);
  if (!c.tieWordEmbeddings) names.push(LM_HEAD);
  return names;
}

let loadCounter = 0;

/** Reads tensors from the checkpoint into float32 tf variables (trainable, uniquely named). */
export async function loadWeights(ck: HfCheckpoint, names: readonly string[]): Promise<Map<string, tf.Variable>> {
  const out = new Map<string, tf.Variable>();
  loadCounter += 1;
  try {
    for (const name of names) {
      const info = ck.info(name);
      const data = await ck.readTensorAsFloat32(name);
      const t = tf.tensor(data, [...info.shape], 'float32');
      out.set(name, tf.variable(t, true, `inherit#${loadCounter}#${name}`));
      t.dispose();
    }
  } catch (e) {
    for (const v of out.values()) v.dispose();
    throw e;
  }
  return out;
}

/** Block influence of every layer in `layers` (the full source model): 1 - mean cos(h_in, h_out). */
export function blockInfluence(
  c: LlamaConfig,
  weights: ReadonlyMap<string, tf.Tensor>,
  layers: readonly number[],
  data: CalibrationData,
): Float64Array {
  const sums = new Float64Array(layers.length);
  let tokens = 0;
  for (const batch of calibrationBatches(data)) {
    const { ids, targets } = batchTensors(batch);
    const pending: tf.Tensor[] = [];
    const logits = forwardLogits(
      c,
      weights,
      layers,
      ids,
      {},
      {
        layerIO: (i, xIn, xOut) => {
          // cos per token, summed: (B, T) -> scalar
          const dot = tf.sum(tf.mul(xIn, xOut), -1);
          const norms = tf.mul(tf.norm(xIn, 'euclidean', -1), tf.norm(xOut, 'euclidean', -1));
          pending[i] = tf.keep(tf.sum(tf.div(dot, tf.maximum(norms, 1e-12))));
        },
      },
    );
    pending.forEach((s, i) => {
      sums[i] += s.dataSync()[0];
    });
    tokens += ids.size;
    tf.dispose([logits, ids, targets, ...pending]);
  }
  return sums.map((s) => 1 - s / tokens);
}

/** Activation scores (Minitron): mean |input| per unit over the calibration tokens, on the kept layers. */
export function activationScores(
  c: LlamaConfig,
  weights: ReadonlyMap<string, tf.Tensor>,
  layers: readonly number[],
  data: CalibrationData,
  needs: ScoreNeeds,
): UnitScores {
  const d = c.hiddenSize / c.numHeads;
  const s = emptyScores(needs, layers.length, c.numHeads, c.numKvHeads, c.intermediateSize, c.hiddenSize);
  let tokens = 0;
  for (const batch of calibrationBatches(data)) {
    const { ids, targets } = batchTensors(batch);
    const pending: [Float64Array, tf.Tensor][] = [];
    const take = (acc: Float64Array | undefined, t: () => tf.Tensor) => {
      if (acc) pending.push([acc, tf.keep(t())]);
    };
    const logits = forwardLogits(
      c,
      weights,
      layers,
      ids,
      {},
      {
        heads: (i, att) => take(s.heads?.[i], () => tf.div(tf.sum(tf.abs(att), [0, 2, 3]), d)), // (H)
        ffn: (i, act) => take(s.ffn?.[i], () => tf.sum(tf.abs(act), 0)), // (F)
        normed: (_i, xn) => take(s.hidden, () => tf.sum(tf.abs(xn), 0)), // (C)
      },
    );
    for (const [acc, t] of pending) {
      const v = t.dataSync();
      for (let j = 0; j < v.length; j++) acc[j] += v[j];
    }
    tokens += ids.size;
    tf.dispose([logits, ids, targets, ...pending.map(([, t]) => t)]);
  }
  const mean = (a: Float64Array) => a.forEach((v, j) => (a[j] = v / tokens));
  [...(s.heads ?? []), ...(s.ffn ?? []), ...(s.hidden ? [s.hidden] : [])].forEach(mean);
  addHeadsToGroups(s, c.numHeads, c.numKvHeads);
  return s;
}

/** Taylor scores: sum over batches and over each unit's parameters of |w * dL/dw|, on the kept layers. */
export function taylorScores(
  c: LlamaConfig,
  weights: ReadonlyMap<string, tf.Variable>,
  layers: readonly number[],
  data: CalibrationData,
  needs: ScoreNeeds,
  vocabRows: readonly number[] | null,
): UnitScores {
  const [h, kv, f, ch] = [c.numHeads, c.numKvHeads, c.intermediateSize, c.hiddenSize];
  const s = emptyScores(needs, layers.length, h, kv, f, ch);
  const vars = [...weights.values()];
  const rows = vocabRows ? tf.tensor1d(Int32Array.from(vocabRows), 'int32') : null;
  for (const batch of calibrationBatches(data)) {
    const { ids, targets } = batchTensors(batch);
    const { value, grads } = tf.variableGrads(() => crossEntropy(forwardLogits(c, weights, layers, ids), targets), vars);
    const pending: [Float64Array, tf.Tensor][] = [];
    tf.tidy(() => {
      const imp = (name: string) => tf.abs(tf.mul(weights.get(name)!, grads[weights.get(name)!.name])); // |w * g|
      const take = (acc: Float64Array | undefined, t: () => tf.Tensor) => {
        if (acc) pending.push([acc, tf.keep(t())]);
      };
      const perUnit = (x: tf.Tensor, units: number) => tf.sum(tf.reshape(x, [units, -1]), 1); // (units)
      layers.forEach((l, i) => {
        const w = (leaf: string) => layerName(l, leaf);
        const q = imp(w('self_attn.q_proj.weight')); // (H*D, C)
        take(s.heads?.[i], () => perUnit(tf.sum(q, 1), h));
        take(s.hidden, () => tf.sum(q, 0));
        for (const leaf of ['self_attn.k_proj.weight', 'self_attn.v_proj.weight']) {
          const kvw = imp(w(leaf)); // (KV*D, C)
          take(s.kvHeads?.[i], () => perUnit(tf.sum(kvw, 1), kv));
          take(s.hidden, () => tf.sum(kvw, 0));
        }
        const o = imp(w('self_attn.o_proj.weight')); // (C, H*D)
        take(s.heads?.[i], () => perUnit(tf.sum(o, 0), h));
        take(s.hidden, () => tf.sum(o, 1));
        for (const leaf of ['mlp.gate_proj.weight', 'mlp.up_proj.weight']) {
          const gu = imp(w(leaf)); // (F, C)
          take(s.ffn?.[i], () => tf.sum(gu, 1));
          take(s.hidden, () => tf.sum(gu, 0));
        }
        const down = imp(w('mlp.down_proj.weight')); // (C, F)
        take(s.ffn?.[i], () => tf.sum(down, 0));
        take(s.hidden, () => tf.sum(down, 1));
        for (const leaf of ['input_layernorm.weight', 'post_attention_layernorm.weight']) take(s.hidden, () => imp(w(leaf)));
      });
      if (s.hidden) {
        take(s.hidden, () => imp(FINAL_NORM));
        const table = (name: string) => {
          const x = imp(name); // (V, C)
          return tf.sum(rows ? tf.gather(x, rows) : x, 0);
        };
        take(s.hidden, () => table(EMBED));
        if (!c.tieWordEmbeddings) take(s.hidden, () => table(LM_HEAD));
      }
    });
    for (const [acc, t] of pending) {
      const v = t.dataSync();
      for (let j = 0; j < v.length; j++) acc[j] += v[j];
    }
    tf.dispose([value, ids, targets, ...Object.values(grads), ...pending.map(([, t]) => t)]);
  }
  rows?.dispose();
  addHeadsToGroups(s, h, kv);
  return s;
}
