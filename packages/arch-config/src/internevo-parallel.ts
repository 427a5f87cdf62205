// The parallel layout of an InternEvo run, checked the way InternEvo checks it at start
// (ParallelContext.init_parallel_groups, internlm/core/context/parallel_context.py, the same on
// v0.3.x, 0.3.4 and today's line for tensor mode "mtp"): the data-parallel size is
// world / pipeline / tensor, and the ZeRO-1 group must divide it (zero1 <= dp, dp % zero1 == 0).
// Tensor parallelism splits heads, KV heads, the hidden size (embed_split_hidden), the vocabulary
// (output head) and the FFN rows, so each must be a multiple of it; each pipeline stage needs at
// least one layer. Refused here, with the values, instead of an AssertionError on every rank.

import type { LlamaConfig } from './config';
import { InvalidArgumentError } from './errors';

export interface InternEvoParallelInput {
  /** Data-parallel size; default 8 (the authors' one node of 8 GPUs). */
  dataParallel?: number;
  /** ZeRO-1 group size; default the largest divisor of dataParallel that is <= 8 (8 for 8). */
  zero1Size?: number;
  /** Tensor-parallel size (mode "mtp"); default 1. */
  tensorParallel?: number;
  /** Pipeline-parallel size; default 1. */
  pipelineParallel?: number;
}

export interface InternEvoParallel {
  dataParallel: number;
  zero1Size: number;
  tensorParallel: number;
  pipelineParallel: number;
  /** GPUs the run needs: dataParallel * tensorParallel * pipelineParallel. */
  worldSize: number;
}

/** The checked layout; InvalidArgumentError naming the value and what is allowed otherwise. */
export function internEvoParallel(config: LlamaConfig, input: InternEvoParallelInput): InternEvoParallel {
  const dataParallel = size('dataParallel', input.dataParallel ?? 8);
  const tensorParallel = size('tensorParallel', input.tensorParallel ?? 1);
  const pipelineParallel = size('pipelineParallel', input.pipelineParallel ?? 1);
  const zero1Size = size('zero1Size', input.zero1Size ?? largestDivisorUpTo(dataParallel, 8));
  if (dataParallel % zero1Size !== 0) {
    throw new InvalidArgumentError({
      field: 'zero1Size',
      value: zero1Size,
      reason: `InternEvo requires data_parallel_size % zero1 == 0 and the data-parallel size is ${dataParallel}`,
      allowed: `a divisor of ${dataParallel}: ${divisors(dataParallel).join(', ')}`,
    });
  }
  const split: [string, number][] = [
    ['numHeads', config.numHeads],
    ['numKvHeads', config.numKvHeads],
    ['hiddenSize', config.hiddenSize],
    ['vocabSize', config.vocabSize],
    ['intermediateSize', config.intermediateSize],
  ];
  for (const [field, n] of split) {
    if (n % tensorParallel !== 0) {
      throw new InvalidArgumentError({
        field: 'tensorParallel',
        value: tensorParallel,
        reason: `tensor parallelism splits ${field} (${n}) evenly`,
        allowed: `a common divisor of numHeads ${config.numHeads}, numKvHeads ${config.numKvHeads}, hiddenSize ${config.hiddenSize}, vocabSize ${config.vocabSize} and intermediateSize ${config.intermediateSize}: ${commonDivisors(split.map((s) => s[1])).join(', ')}`,
      });
    }
  }
  if (pipelineParallel > config.numLayers) {
    throw new InvalidArgumentError({
      field: 'pipelineParallel',
      value: pipelineParallel,
      reason: 'each pipeline stage needs at least one layer',
      allowed: `at most numLayers (${config.numLayers})`,
    });
  }
  return { dataParallel, zero1Size, tensorParallel, pipelineParallel, worldSize: dataParallel * tensorParallel * pipelineParallel };
}

// Sizes are GPU counts: a bound keeps the divisor lists and the products exact and short.
const MAX_SIZE = 1 << 20;

function size(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_SIZE)
    throw new InvalidArgumentError({ field, value, allowed: `an integer from 1 to ${MAX_SIZE}` });
  return value;
}

function largestDivisorUpTo(n: number, limit: number): number {
  for (let d = Math.min(n, limit); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d === 0) {
      out.push(d);
      if (d * d !== n) out.push(n / d);
    }
  }
  return out.sort((a, b) => a - b);
}

function commonDivisors(ns: number[]): number[] {
  const g = ns.reduce((a, b) => gcd(a, b));
  return divisors(g);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
