// Which sequences each micro-batch holds, and in what order rounds visit them.
// - The training sequences are partitioned once, by a seeded permutation, into N fixed batches
//   of B sequences (the remainder, fewer than B sequences, is left out): the units that loss-based
//   refining scores and samples ("the loss of every batch", docs/method.md section 4).
// - Round 1 visits the N batches epoch after epoch, each epoch in a fresh seeded order.
// - A refined round visits the sequences it selected, in the (random) order they were drawn.
import type { PackedData } from './data/dataset';
import { permutation, streamFor } from './random';

export interface BatchPartition {
  batchSize: number;
  /** Sequence ids, batch k = order[k*B .. k*B + B]. */
  order: Uint32Array;
  /** N: number of whole batches. */
  count: number;
}

export function partitionBatches(data: PackedData, batchSize: number, seed: number): BatchPartition {
  const order = permutation(data.sequences, streamFor(seed, 0));
  return { batchSize, order, count: Math.floor(data.sequences / batchSize) };
}

export function batchSequences(p: BatchPartition, k: number): Uint32Array {
  return p.order.subarray(k * p.batchSize, (k + 1) * p.batchSize);
}

/** A round's micro-batches: how many, and the sequences of each. */
export interface RoundPlan {
  round: number;
  microBatches: number;
  sequencesOf(m: number): Uint32Array;
}

/** Round 1: `microBatches` micro-batches over the partition, reshuffled every epoch. */
export function firstRoundPlan(p: BatchPartition, microBatches: number, seed: number): RoundPlan {
  const epochs = new Map<number, Uint32Array>();
  return {
    round: 1,
    microBatches,
    sequencesOf(m) {
      const epoch = Math.floor(m / p.count);
      let perm = epochs.get(epoch);
      if (!perm) {
        epochs.clear();
        perm = permutation(p.count, streamFor(seed, 1, epoch));
        epochs.set(epoch, perm);
      }
      return batchSequences(p, perm[m % p.count]);
    },
  };
}

/** A refined round: the selected sequences, B at a time. */
export function refinedRoundPlan(round: number, selection: Uint32Array, batchSize: number): RoundPlan {
  return {
    round,
    microBatches: Math.floor(selection.length / batchSize),
    sequencesOf: (m) => selection.subarray(m * batchSize, (m + 1) * batchSize),
  };
}

/** How big a refined round (2, 3, ...) is; `train` sizes its rounds with this, callers can plan with it. */
export interface RefinedRoundSize {
  /** What is scored and drawn: batches, or single sequences. */
  units: number;
  /** Units drawn by loss: round(rate × units), at least 1. */
  drawn: number;
  /** Micro-batches of `batchSize` the drawn units make. */
  microBatches: number;
  /** Optimizer steps (micro-batches / gradAccum, at least 1). */
  steps: number;
}

export function refinedRoundSize(o: {
  batches: number;
  batchSize: number;
  sampleRate: number;
  granularity: 'batch' | 'sample';
  gradAccum: number;
}): RefinedRoundSize {
  const units = o.granularity === 'batch' ? o.batches : o.batches * o.batchSize;
  const drawn = Math.max(1, Math.round(o.sampleRate * units));
  const microBatches = Math.floor((o.granularity === 'batch' ? drawn * o.batchSize : drawn) / o.batchSize);
  return { units, drawn, microBatches, steps: Math.max(1, Math.floor(microBatches / o.gradAccum)) };
}
