// Which sequences each micro-batch holds, and in what order rounds visit them.
// - The training sequences are partitioned once, by a seeded permutation, into N fixed batches
//   of B sequences (the remainder, fewer than B sequences, is left out): the units that loss-based
//   refining scores and samples ("the loss of every batch", docs/method.md section 4).
// - Round 1 visits the N batches epoch after epoch, each epoch in a fresh seeded order.
// - A refined round visits the sequences it selected, in the (random) order they were drawn
//   (round-budget.ts says how many steps it takes).
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

/**
 * A refined round of `microBatches` micro-batches: the selected sequences, B at a time, in draw
 * order, from the start again when the round is longer than one pass over them.
 */
export function refinedRoundPlan(round: number, selection: Uint32Array, batchSize: number, microBatches: number): RoundPlan {
  const distinct = Math.floor(selection.length / batchSize);
  return {
    round,
    microBatches,
    sequencesOf: (m) => selection.subarray((m % distinct) * batchSize, ((m % distinct) + 1) * batchSize),
  };
}
