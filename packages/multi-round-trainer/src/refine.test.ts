// Sampling without replacement with p ∝ exp(loss / τ): the first draw follows the softmax of
// the losses, draws are distinct and seeded, and the temperature flattens the preference.
import { describe, expect, it } from 'vitest';
import { lossStats, sampleByLoss } from './refine';
import { lrAt } from './schedule';

describe('sampleByLoss', () => {
  const losses = Float32Array.from([0, 1, 2, 3]);
  const softmax = (ls: number[], t: number) => {
    const e = ls.map((l) => Math.exp(l / t));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  };

  it('the first unit drawn follows exp(l) / sum exp(l) (4,000 seeds, 3 sigma)', () => {
    const counts = [0, 0, 0, 0];
    const n = 4000;
    for (let s = 0; s < n; s++) counts[sampleByLoss(losses, 1, 1, s, 2)[0]] += 1;
    const p = softmax([0, 1, 2, 3], 1);
    counts.forEach((c, i) => expect(Math.abs(c / n - p[i])).toBeLessThan(3 * Math.sqrt((p[i] * (1 - p[i])) / n) + 1e-3));
  });

  it('a higher temperature flattens the choice', () => {
    const n = 3000;
    let hot = 0;
    for (let s = 0; s < n; s++) if (sampleByLoss(losses, 1, 100, s, 2)[0] === 3) hot++;
    expect(Math.abs(hot / n - softmax([0, 1, 2, 3], 100)[3])).toBeLessThan(0.03);
  });

  it('draws distinct units, reproducibly per (seed, round)', () => {
    const many = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const a = sampleByLoss(many, 25, 1, 7, 2);
    expect(new Set(a).size).toBe(25);
    expect(sampleByLoss(many, 25, 1, 7, 2)).toEqual(a);
    expect(sampleByLoss(many, 25, 1, 7, 3)).not.toEqual(a);
  });

  it('lossStats reports mean and quantiles', () => {
    const s = lossStats([1, 2, 3, 4, 5]);
    expect(s).toMatchObject({ count: 5, mean: 3, min: 1, p50: 3, max: 5 });
  });
});

describe('lrAt', () => {
  const s = { lr: 1e-3, minLr: 1e-5, warmupRatio: 0.1, totalSteps: 100 };
  it('warms up linearly, peaks, then decays by cosine to the floor', () => {
    expect(lrAt(0, s)).toBeCloseTo(1e-4, 12);
    expect(lrAt(9, s)).toBeCloseTo(1e-3, 12);
    expect(lrAt(10, s)).toBeCloseTo(1e-3, 12);
    expect(lrAt(55, s)).toBeCloseTo((1e-3 + 1e-5) / 2, 8);
    expect(lrAt(100, s)).toBeCloseTo(1e-5, 12);
    for (let i = 11; i < 100; i++) expect(lrAt(i, s)).toBeLessThanOrEqual(lrAt(i - 1, s));
  });
});
