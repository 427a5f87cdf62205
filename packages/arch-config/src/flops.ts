// FLOPs per token of a LLaMA-2 decoder, forward and training.
// Follows PaLM (Chowdhery et al. 2022, Appendix B): training FLOPs per token = 6N + 12·L·H·Q·T,
// with N the matmul parameters, L layers, H query heads, Q head size (H·Q = d), T sequence length.
// Derivation (Kaplan et al. 2020, Table 1, same counting):
//   forward, dense:     2 FLOPs (multiply + add) per matmul weight per token       = 2N
//   forward, attention: QKᵀ and P·V each cost 2·T·d per token per layer           = 4·L·T·d
//   backward = 2 × forward (gradients w.r.t. inputs and w.r.t. weights)
//   training = 3 × forward                                                         = 6N + 12·L·T·d
// N counts the head matrix even when tied (the product still runs) and excludes the embedding
// lookup and norm gains (no matmul). Like PaLM, attention is counted over the full T×T square:
// no discount for the causal mask (a causal kernel that skips masked blocks does about half).
// GQA does not change the attention term: scores are computed for every query head.

import type { LlamaConfig } from './config';
import { InvalidArgumentError } from './errors';
import { countParams } from './param-count';
import { parseOptions } from '@tinylm/errors';
import { flopsOptions } from './options';

/** FLOPs per token at one sequence length. */
export interface FlopsPerToken {
  readonly seqLen: number;
  /** N: parameters in matmuls (see `ParamCounts.matmul`). */
  readonly matmulParams: number;
  /** 2N. */
  readonly forwardDense: number;
  /** 4·L·T·d. */
  readonly forwardAttention: number;
  /** forwardDense + forwardAttention. */
  readonly forward: number;
  /** 2 × forward. */
  readonly backward: number;
  /** 3 × forward = 6N + 12·L·T·d. */
  readonly training: number;
}

/** FLOPs per token (PaLM convention) at `seqLen` (default: maxPositionEmbeddings). */
export function flopsPerToken(config: LlamaConfig, options: { seqLen?: number } = {}): FlopsPerToken {
  const opts = parseOptions(flopsOptions, options, 'flopsPerToken');
  const seqLen = opts.seqLen ?? config.maxPositionEmbeddings;
  if (!Number.isInteger(seqLen) || seqLen < 1) {
    throw new InvalidArgumentError({ argument: 'seqLen', value: seqLen, allowed: 'a positive integer' });
  }
  const N = countParams(config).matmul;
  const forwardDense = 2 * N;
  const forwardAttention = 4 * config.numLayers * seqLen * config.hiddenSize;
  const forward = forwardDense + forwardAttention;
  return { seqLen, matmulParams: N, forwardDense, forwardAttention, forward, backward: 2 * forward, training: 3 * forward };
}
