// Validation of a LLaMA-2 config: every constraint the decoder's shapes impose.
// Mirrors the checks of HF transformers (LlamaAttention: hidden_size % num_heads, num_heads %
// num_key_value_heads) and of InternEvo's MHA (`embed_dim % num_heads == 0`), plus RoPE's need
// for an even head size (it rotates pairs of channels; HF's half-split convention).

import type { LlamaConfig } from './config';
import { ConfigValueError } from './errors';

/**
 * The largest value each size may take. A config.json is often a stranger's file, and a 70-byte
 * one claiming hidden_size 1.6e6 and 1e5 layers would otherwise reach the trainer's allocations;
 * these bounds refuse such shapes up front while leaving ample room above every published model
 * (the largest have hidden size ~25,600, ~128 layers, vocabularies ~256k, FFN ~100k, contexts
 * of ~10M tokens). Beyond them, a shape is taken for a corrupt or hostile file.
 */
export const SHAPE_LIMITS: Readonly<Record<(typeof SIZE_FIELDS)[number], number>> = Object.freeze({
  vocabSize: 2 ** 24,
  hiddenSize: 2 ** 20,
  numLayers: 2 ** 14,
  numHeads: 2 ** 16,
  numKvHeads: 2 ** 16,
  intermediateSize: 2 ** 22,
  maxPositionEmbeddings: 2 ** 28,
});

const SIZE_FIELDS = [
  'vocabSize',
  'hiddenSize',
  'numLayers',
  'numHeads',
  'numKvHeads',
  'intermediateSize',
  'maxPositionEmbeddings',
] as const;

/**
 * Throws `ConfigValueError` on the first problem: a size that is not a positive integer,
 * hiddenSize not divisible by numHeads, numHeads not divisible by numKvHeads, an odd head size,
 * a non-positive ropeTheta / rmsNormEps / initStd, a token id outside [0, vocabSize).
 * Returns the config unchanged so it can be used inline.
 */
export function validateConfig(config: LlamaConfig, source?: string): LlamaConfig {
  const fail = (field: string, value: unknown, allowed: string, reason?: string): never => {
    throw new ConfigValueError({ field, value, allowed, reason, source });
  };
  if (config == null || typeof config !== 'object') fail('config', config, 'an object with the LlamaConfig fields');

  for (const field of SIZE_FIELDS) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      fail(field, value, 'a positive integer', value === undefined ? 'it is missing' : undefined);
    }
    if (value > SHAPE_LIMITS[field]) {
      fail(
        field,
        value,
        `a positive integer <= ${SHAPE_LIMITS[field]}`,
        `it is above tinylm's limit for ${field} (SHAPE_LIMITS), far beyond any published model`,
      );
    }
  }

  const { hiddenSize, numHeads, numKvHeads } = config;
  if (hiddenSize % numHeads !== 0) {
    fail(
      'hiddenSize',
      hiddenSize,
      `a multiple of numHeads ${numHeads} (e.g. ${nearMultiples(hiddenSize, numHeads)})`,
      `it is not divisible by numHeads ${numHeads}`,
    );
  }
  if (numHeads % numKvHeads !== 0) {
    fail(
      'numKvHeads',
      numKvHeads,
      `a divisor of numHeads ${numHeads}: ${divisors(numHeads).join(', ')}`,
      `numHeads ${numHeads} is not divisible by it`,
    );
  }
  const headSize = hiddenSize / numHeads;
  if (headSize % 2 !== 0) {
    fail(
      'numHeads',
      numHeads,
      `a head count giving an even head size (hiddenSize / numHeads), e.g. ${evenHeadCounts(hiddenSize).slice(0, 6).join(', ')}`,
      `head size ${hiddenSize} / ${numHeads} = ${headSize} is odd and rotary embeddings rotate channel pairs`,
    );
  }

  for (const field of ['ropeTheta', 'rmsNormEps', 'initStd'] as const) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(field, value, 'a finite number > 0');
  }
  if (typeof config.tieWordEmbeddings !== 'boolean') fail('tieWordEmbeddings', config.tieWordEmbeddings, 'true or false');

  const checkId = (field: string, id: unknown) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= config.vocabSize) {
      fail(field, id, `an integer in [0, ${config.vocabSize}) (vocabSize ${config.vocabSize}), or leave it out`);
    }
  };
  if (config.bosTokenId !== undefined) checkId('bosTokenId', config.bosTokenId);
  if (config.padTokenId !== undefined) checkId('padTokenId', config.padTokenId);
  if (config.eosTokenId !== undefined) {
    if (Array.isArray(config.eosTokenId)) {
      if (config.eosTokenId.length === 0) fail('eosTokenId', config.eosTokenId, 'an id or a non-empty list of ids');
      config.eosTokenId.forEach((id, i) => checkId(`eosTokenId[${i}]`, id));
    } else {
      checkId('eosTokenId', config.eosTokenId);
    }
  }
  return config;
}

/** The divisors of `n`, ascending: O(sqrt n) steps, never n (sizes reach SHAPE_LIMITS). */
function divisors(n: number): number[] {
  const low: number[] = [];
  const high: number[] = [];
  for (let i = 1; i * i <= n; i++) {
    if (n % i !== 0) continue;
    low.push(i);
    if (i * i !== n) high.push(n / i);
  }
  return [...low, ...high.reverse()];
}

function nearMultiples(value: number, of: number): string {
  const down = Math.floor(value / of) * of;
  return down > 0 ? `${down} or ${down + of}` : `${of}`;
}

function evenHeadCounts(hiddenSize: number): number[] {
  return divisors(hiddenSize).filter((h) => (hiddenSize / h) % 2 === 0);
}
