// Choosing the next token from one row of logits: greedy, or sampling with temperature, top-k
// and top-p (nucleus, Holtzman et al. 2020), from a seeded generator so a run can be repeated.
// Runs in JavaScript on the row (V floats): cheaper than a kernel round trip for one token.
import { parseOptions } from '@tinylm/errors';
import { samplingOptions } from './options';

export interface SamplingOptions {
  /** Argmax; ignores the other options. */
  greedy?: boolean;
  /** Default 1. */
  temperature?: number;
  /** Keep the k most likely tokens (0: all). */
  topK?: number;
  /** Keep the smallest set whose probability reaches p (1: all). */
  topP?: number;
  seed?: number;
}

/** mulberry32: a small, fast, seedable PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Picks a token id from `logits` (one row). */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, random: () => number): number {
  options = parseOptions(samplingOptions, options, 'sampleToken');
  if (options.greedy) return argmax(logits);
  const temperature = options.temperature ?? 1;
  if (!(temperature > 0)) return argmax(logits);
  const ids = Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b] - logits[a]);
  const k = options.topK && options.topK > 0 ? Math.min(options.topK, ids.length) : ids.length;
  const max = logits[ids[0]];
  const probs = ids.slice(0, k).map((i) => Math.exp((logits[i] - max) / temperature));
  const total = probs.reduce((a, b) => a + b, 0);
  const topP = options.topP ?? 1;
  let keep = probs.length;
  if (topP < 1) {
    let cum = 0;
    for (let j = 0; j < probs.length; j++) {
      cum += probs[j] / total;
      if (cum >= topP) {
        keep = j + 1;
        break;
      }
    }
  }
  const kept = probs.slice(0, keep);
  const z = kept.reduce((a, b) => a + b, 0);
  let r = random() * z;
  for (let j = 0; j < kept.length; j++) {
    r -= kept[j];
    if (r <= 0) return ids[j];
  }
  return ids[kept.length - 1];
}
