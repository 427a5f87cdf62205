// Seeded randomness for data order and sampling. Every draw is a pure function of (seed,
// purpose, counter), so a resumed run needs no generator state beyond its position.
import { seededRandom } from '@tinylm/model';

/** A generator for one purpose (e.g. the order of epoch 3), independent of all others. */
export function streamFor(seed: number, ...purpose: number[]): () => number {
  let h = seed >>> 0;
  for (const p of purpose) h = Math.imul(h ^ (p + 0x9e3779b9), 0x85ebca6b) >>> 0;
  return seededRandom(h ^ (h >>> 13));
}

/** Fisher-Yates shuffle of 0..n-1. */
export function permutation(n: number, random: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
