// Tests of search.ts: budget, grid and ranking invariants, completeness against brute force, options.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { ffnFromMlpRatio } from './ffn';
import { countParams } from './param-count';
import { searchArchitectures, type ArchCandidate } from './search';

function expectRanked(candidates: readonly ArchCandidate[]) {
  for (let i = 1; i < candidates.length; i++) {
    const a = candidates[i - 1];
    const b = candidates[i];
    expect(a.config.numLayers).toBeGreaterThanOrEqual(b.config.numLayers);
    if (a.config.numLayers === b.config.numLayers) expect(Math.abs(a.deviation)).toBeLessThanOrEqual(Math.abs(b.deviation));
  }
}

describe("searchArchitectures at 1B, vocab 48,000 (the paper's setting)", () => {
  const result = searchArchitectures({ params: 1e9, vocabSize: 48000 });

  it('every candidate is within ±10%, on the width grid, with an even head size and InternEvo FFN rounding', () => {
    expect(result.candidates.length).toBeGreaterThan(100);
    for (const c of result.candidates) {
      const { hiddenSize: d, numLayers: L, numHeads, intermediateSize } = c.config;
      expect(Math.abs(c.params - 1e9)).toBeLessThanOrEqual(1e8);
      expect(c.params).toBe(countParams(c.config).total);
      expect(c.deviation).toBeCloseTo((c.params - 1e9) / 1e9, 12);
      expect(d % 64).toBe(0);
      expect([64, 128]).toContain(c.headSize);
      expect(d / numHeads).toBe(c.headSize);
      expect(intermediateSize).toBe(ffnFromMlpRatio(d, c.mlpRatio, 256));
      expect(d / L).toBeGreaterThanOrEqual(16);
      expect(d / L).toBeLessThanOrEqual(256);
      expect(c.config.numKvHeads).toBe(numHeads);
      expect(c.config.tieWordEmbeddings).toBe(false);
    }
  });

  it('is ranked deeper first, then closer to budget', () => {
    expectRanked(result.candidates);
    expect(result.candidates[0].config.numLayers).toBe(Math.max(...result.candidates.map((c) => c.config.numLayers)));
  });

  it('contains the PanGu-π-1B Pro shape (1792 wide, 20 deep, 14 heads of 128, FFN 8/3)', () => {
    const pro = result.candidates.find(
      (c) => c.config.hiddenSize === 1792 && c.config.numLayers === 20 && c.headSize === 128 && c.config.intermediateSize === 4864,
    );
    expect(pro).toBeDefined();
    expect(pro!.params).toBe(951_983_872);
    expect(pro!.embeddingShare).toBeCloseTo(0.1807, 4);
  });

  it('reports FLOPs and latency for each candidate', () => {
    const c = result.candidates[0];
    expect(c.trainingFlopsPerToken).toBe(6 * countParams(c.config).matmul + 12 * c.config.numLayers * 2048 * c.config.hiddenSize);
    expect(c.latencyMs).toBeGreaterThan(0);
  });
});

describe('searchArchitectures: completeness on a small budget', () => {
  it('finds exactly the shapes a brute-force enumeration finds', () => {
    const V = 2048;
    const ratios = [2, 8 / 3, 4];
    const found = searchArchitectures({ params: 2e6, vocabSize: V, headSizes: [32], widthMultiple: 32, mlpRatios: ratios, multipleOf: 32 });
    const expected = new Set<string>();
    for (let d = 32; d <= 1024; d += 32) {
      for (const r of ratios) {
        const f = 32 * Math.ceil(Math.trunc(d * r) / 32);
        for (let L = 1; L <= 200; L++) {
          const params = 2 * V * d + d + L * (4 * d * d + 3 * d * f + 2 * d);
          if (Math.abs(params - 2e6) <= 2e5 && d / L >= 16 && d / L <= 256) expected.add(`${d}/${L}/${f}`);
        }
      }
    }
    const got = found.candidates.map((c) => `${c.config.hiddenSize}/${c.config.numLayers}/${c.config.intermediateSize}`);
    expect(new Set(got).size).toBe(got.length); // no duplicates when two ratios round alike
    expect(new Set(got)).toEqual(expected);
    expect(found.withinBudget).toBe(expected.size);
  });

  it('handles 1-5M budgets with head size 32 quickly (demo on a 2-core machine)', () => {
    for (const params of [1e6, 3e6, 5e6]) {
      const t0 = performance.now();
      const r = searchArchitectures({ params, vocabSize: 1024, headSizes: [32], widthMultiple: 32, multipleOf: 32, tolerance: 0.1 });
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(r.candidates.length).toBeGreaterThan(0);
      for (const c of r.candidates) expect(c.config.hiddenSize / c.config.numHeads).toBe(32);
      expectRanked(r.candidates);
    }
  });
});

describe('searchArchitectures options', () => {
  const base = { params: 5e6, vocabSize: 4096, headSizes: [32, 64], widthMultiple: 32, multipleOf: 32 };

  it('a latency bound drops slow candidates and counts them', () => {
    const all = searchArchitectures(base);
    const latencies = all.candidates.map((c) => c.latencyMs).sort((a, b) => a - b);
    const bound = latencies[Math.floor(latencies.length / 2)];
    const bounded = searchArchitectures({ ...base, maxLatencyMs: bound });
    expect(bounded.candidates.every((c) => c.latencyMs <= bound)).toBe(true);
    expect(bounded.rejectedByLatency).toBe(all.candidates.filter((c) => c.latencyMs > bound).length);
    expect(bounded.rejectedByLatency).toBeGreaterThan(0);
    expect(bounded.withinBudget).toBe(all.withinBudget);
    expectRanked(bounded.candidates);
    // bounded latency favours shallower models: the deepest survivor is no deeper than before
    expect(bounded.candidates[0].config.numLayers).toBeLessThanOrEqual(all.candidates[0].config.numLayers);
  });

  it('GQA groups, tied embeddings, layer bounds, limit and base fields', () => {
    const r = searchArchitectures({
      ...base,
      kvGroups: [2],
      tieWordEmbeddings: true,
      minLayers: 3,
      maxLayers: 6,
      limit: 5,
      base: { ropeTheta: 500000, bosTokenId: 1 },
    });
    expect(r.candidates.length).toBe(5);
    for (const c of r.candidates) {
      expect(c.config.numHeads / c.config.numKvHeads).toBe(2);
      expect(c.config.tieWordEmbeddings).toBe(true);
      expect(c.config.numLayers).toBeGreaterThanOrEqual(3);
      expect(c.config.numLayers).toBeLessThanOrEqual(6);
      expect(c.config.ropeTheta).toBe(500000);
      expect(c.config.bosTokenId).toBe(1);
    }
  });

  it('an impossible budget gives an empty list, not an error', () => {
    const r = searchArchitectures({ params: 1000, vocabSize: 50000 });
    expect(r.candidates).toEqual([]);
    expect(r.withinBudget).toBe(0);
  });

  it.each([
    [{ params: 0 }, 'params'],
    [{ vocabSize: 1.5 }, 'vocabSize'],
    [{ tolerance: 0 }, 'tolerance'],
    [{ tolerance: 1 }, 'tolerance'],
    [{ headSizes: [33] }, 'headSizes'],
    [{ headSizes: [] }, 'headSizes'],
    [{ mlpRatios: [-1] }, 'mlpRatios'],
    [{ widthMultiple: 0 }, 'widthMultiple'],
    [{ kvGroups: [0] }, 'kvGroups'],
    [{ maxLatencyMs: -1 }, 'maxLatencyMs'],
  ])('rejects %o naming %s', (patch, argument) => {
    try {
      searchArchitectures({ ...base, ...patch });
      expect.unreachable();
    } catch (e) {
      expect(InvalidArgumentError.isInstance(e)).toBe(true);
      expect((e as InvalidArgumentError).argument).toBe(argument);
    }
  });
});
