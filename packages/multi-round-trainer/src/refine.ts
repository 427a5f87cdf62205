// Loss-based data refining between rounds (PanGu-π Pro, docs/method.md section 4): with the model
// frozen at the end of a round, score every batch (or every sequence) of the training data; draw
// the next round's N0 = rate × N units without replacement with p_i = exp(l_i / τ) / Σ exp(l_j / τ).
// Drawing without replacement proportionally to w_i, one at a time, is the same distribution
// as taking the N0 largest of log w_i + Gumbel noise (the Gumbel-top-k trick, Kool et al. 2019),
// which is what this does, seeded.
import * as tf from '@tensorflow/tfjs-core';
import { tokenLosses } from '@tinylm/kernels';
import type { LlamaModel } from '@tinylm/model';
import { type BatchPartition, batchSequences } from './batches';
import { type PackedData, sequenceAt } from './data/dataset';
import { streamFor } from './random';

export type Granularity = 'batch' | 'sample';

/** Mean loss of every sequence of `seqs`, in chunks of `chunk` sequences, without gradients. */
export async function sequenceLosses(
  model: LlamaModel,
  data: PackedData,
  seqs: ArrayLike<number>,
  chunk: number,
  onChunk?: (done: number) => void,
): Promise<Float32Array> {
  const t = data.seqLen;
  const out = new Float32Array(seqs.length);
  for (let at = 0; at < seqs.length; at += chunk) {
    const n = Math.min(chunk, seqs.length - at);
    const ids = new Int32Array(n * t);
    const targets = new Int32Array(n * t);
    for (let i = 0; i < n; i++) {
      const s = sequenceAt(data, seqs[at + i]);
      ids.set(s.subarray(0, t), i * t);
      targets.set(s.subarray(1), i * t);
    }
    const perSeq = tf.tidy(() => {
      const logits = model.forward(tf.tensor2d(ids, [n, t], 'int32')); // (n, T, V)
      return tf.mean(tokenLosses(logits, tf.tensor2d(targets, [n, t], 'int32')), 1); // (n)
    });
    out.set((await perSeq.data()) as Float32Array, at);
    perSeq.dispose();
    onChunk?.(at + n);
  }
  return out;
}

/** Scores: one loss per batch of the partition, or per sequence (in partition order). */
export async function scoreUnits(
  model: LlamaModel,
  data: PackedData,
  partition: BatchPartition,
  granularity: Granularity,
  chunk: number,
  onProgress?: (done: number, total: number) => void,
): Promise<Float32Array> {
  const covered = partition.order.subarray(0, partition.count * partition.batchSize);
  const perSeq = await sequenceLosses(model, data, covered, chunk, (d) => onProgress?.(d, covered.length));
  if (granularity === 'sample') return perSeq;
  const perBatch = new Float32Array(partition.count);
  for (let k = 0; k < partition.count; k++) {
    let s = 0;
    for (let i = 0; i < partition.batchSize; i++) s += perSeq[k * partition.batchSize + i];
    perBatch[k] = s / partition.batchSize;
  }
  return perBatch;
}

/** Indices of `k` units drawn without replacement with p ∝ exp(loss / temperature), in draw order. */
export function sampleByLoss(losses: Float32Array, k: number, temperature: number, seed: number, round: number): number[] {
  const random = streamFor(seed, 3, round);
  const keys = Array.from(losses, (l, i) => {
    const u = Math.min(Math.max(random(), 1e-300), 1 - 1e-16);
    return { i, key: l / temperature - Math.log(-Math.log(u)) };
  });
  keys.sort((a, b) => b.key - a.key || a.i - b.i);
  return keys.slice(0, k).map((x) => x.i);
}

/** The sequences of the drawn units, in draw order. */
export function selectedSequences(partition: BatchPartition, units: number[], granularity: Granularity): Uint32Array {
  if (granularity === 'sample') return Uint32Array.from(units, (u) => partition.order[u]);
  const out = new Uint32Array(units.length * partition.batchSize);
  units.forEach((u, j) => out.set(batchSequences(partition, u), j * partition.batchSize));
  return out;
}

export interface LossStats {
  count: number;
  mean: number;
  min: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  max: number;
}

export function lossStats(values: ArrayLike<number>): LossStats {
  const v = Float64Array.from(values).sort();
  const q = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.round(p * (v.length - 1))))];
  const mean = v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1);
  return { count: v.length, mean, min: v[0], p10: q(0.1), p25: q(0.25), p50: q(0.5), p75: q(0.75), p90: q(0.9), max: v[v.length - 1] };
}
