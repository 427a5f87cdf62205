import { countParams } from '@tinylm/arch-config';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../args';
import { widest } from '../../recipe/shapes';
import type { Arm } from '../arm';
import { reproduceTeacherConfig } from '../budget';
import { depthArmId, depthClaim, depthShapes, depthSpearman, depthStudy, pickDepths, widestAtEachDepth } from './depth';
import { LADDER_MLP_RATIO, ladderShapes } from './ladder';
import { fakePacks, seededResults, studyInputs, verdictLine } from './testing';

// the default `reproduce` teacher and budget: the shapes below are the ones the study trains
const teacher = reproduceTeacherConfig(4096);
const inputs = studyInputs({ pack: fakePacks(() => 2.6), params: 5_000_000, steps: 200, teacher });
/** Seeds at bits per byte `bpb(arm)`, `spread` apart in all, 1,000 tokens over 2,600 bytes each. */
const results = (arms: readonly Arm[], bpb: (a: Arm) => number, spread: number, seeds = 3) =>
  seededResults(arms, bpb, spread, { seeds, tokens: 1000, textBytes: () => 2600 });
const deeperVerdict = (lines: string[]) => verdictLine(lines, 'deeper is better');

describe('pickDepths', () => {
  it('keeps every depth when there are at most 6, sorted and without repeats', () => {
    expect(pickDepths([5, 2, 3, 3])).toEqual([2, 3, 5]);
    expect(pickDepths([2, 3, 4, 5, 6, 7])).toEqual([2, 3, 4, 5, 6, 7]);
  });
  it('spreads 6 evenly in depth from the shallowest to the deepest, both ends included', () => {
    expect(pickDepths([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])).toEqual([2, 5, 7, 10, 12, 15]);
    expect(pickDepths(Array.from({ length: 30 }, (_, k) => k + 1))).toEqual([1, 7, 13, 18, 24, 30]);
  });
  it('takes the nearest depth that exists when the even spacing lands in a gap, never the same one twice', () => {
    // the depths the default budget has with the compact vocabulary (8, 11 and 12 layers fit no width within ±10%)
    expect(pickDepths([2, 3, 4, 5, 6, 7, 9, 10, 13, 14, 15])).toEqual([2, 5, 7, 10, 13, 15]);
    expect(pickDepths([1, 2, 3, 20, 21, 22, 23], 4)).toEqual([1, 3, 20, 23]);
    // ties go to the deeper one
    expect(pickDepths([1, 2, 3, 4], 3)).toEqual([1, 3, 4]);
    expect(pickDepths([1, 2, 3, 4, 5, 6, 7], 2)).toEqual([1, 7]);
  });
});

describe('the depth study', () => {
  it('trains the widest shape at 6 depths spread from 2 to 15 layers, compact vocabulary, random init, 1 round, equal steps', async () => {
    const arms = await depthStudy.arms(inputs);
    expect(arms.map((a) => a.id)).toEqual([2, 5, 7, 10, 13, 15].map(depthArmId));
    expect(arms.map((a) => a.shape.config.numLayers)).toEqual([2, 5, 7, 10, 13, 15]);
    for (const a of arms) {
      expect([a.vocab, a.shape.config.vocabSize, a.init.from, a.rounds, a.steps], a.id).toEqual([2048, 2048, 'random', 1, 200]);
    }
    expect(arms[0].what).toContain('the shallowest that fits');
    expect(arms[5].what).toContain('the deepest that fits');
  });

  it('keeps every shape within ±10% of the budget, head size 32, widths of 32s, FFN rate 8/3, the widest at its depth', async () => {
    for (const a of await depthStudy.arms(inputs)) {
      const c = a.shape.config;
      expect(Math.abs(countParams(c).total - 5_000_000) / 5_000_000, a.id).toBeLessThanOrEqual(0.1);
      expect(c.hiddenSize / c.numHeads, a.id).toBe(32);
      expect(c.hiddenSize % 32, a.id).toBe(0);
      expect(c.intermediateSize % 32, a.id).toBe(0);
      expect(a.shape.mlpRatio, a.id).toBe(LADDER_MLP_RATIO);
      const L = c.numLayers;
      expect(c, a.id).toEqual(
        widest({ params: 5_000_000, vocabSize: 2048, tolerance: 0.1, teacher, mlpRatios: [LADDER_MLP_RATIO] }, { min: L, max: L }).config,
      );
      expect(c.hiddenSize, a.id).toBeGreaterThanOrEqual(8 * L);
    }
  });

  it('starts at the ladder’s compact-tokenizer shape, so the two share that run', async () => {
    const [shallowest] = await depthStudy.arms(inputs);
    expect(shallowest.shape.config).toEqual(ladderShapes({ ...inputs }).compact.config);
  });

  it('finds, per depth, the shape recipe/shapes.ts’s `widest` finds at that depth', () => {
    const q = { params: 2_000_000, vocabSize: 4096, tolerance: 0.1, teacher };
    const byDepth = widestAtEachDepth(q);
    expect([...byDepth.keys()]).toEqual([...byDepth.keys()].sort((a, b) => a - b));
    for (const [L, c] of byDepth) expect(c.config, `${L} layers`).toEqual(widest({ ...q, mlpRatios: [8 / 3] }, { min: L, max: L }).config);
  });

  it('refuses a budget where fewer than 3 depths fit, naming --params and the depths found', async () => {
    expect(() => depthShapes({ params: 400_000, compactVocab: 2048, teacher })).toThrow(UsageError);
    expect(() => depthShapes({ params: 400_000, compactVocab: 2048, teacher })).toThrow(
      /--params 400000: the depth study needs at least 3 depths .*only 2 and 3 layers fit: raise --params/,
    );
    expect(() => depthShapes({ params: 300_000, compactVocab: 2048, teacher })).toThrow(/--params 300000: .*no depth fits: raise --params/);
    await expect(depthStudy.arms({ ...inputs, params: 400_000 })).rejects.toThrow(/--params 400000/);
  });
});

describe('the depth study’s report', () => {
  it('reproduces when deeper is clearly better: rho(depth, −bpb) near +1 over 18 results, the ends beyond the spread', async () => {
    const arms = await depthStudy.arms(inputs);
    const r = depthStudy.report(
      results(arms, (a) => 3 - a.shape.config.numLayers * 0.02, 0.01),
      inputs,
    );
    const table = r.lines.filter((l) => l.startsWith('| depth-'));
    expect(table).toHaveLength(arms.length);
    expect(table[0]).not.toContain(' vs ');
    expect(table[5]).toContain('-0.2600 vs depth-2: better (seed spread 0.0100)');
    expect(r.lines.join('\n')).toContain(
      'over all 18 (arm, seed) results: rho(depth, held-out bits/byte) = -0.99, so rho(depth, −bits/byte) = +0.99',
    );
    expect(r.lines.join('\n')).toMatch(
      /\| Spearman rho\(depth, score\).* \| 0\.53 .* \| \+0\.99 \(score = −held-out bits\/byte, 18 results\) \|/,
    );
    expect(deeperVerdict(r.lines)).toContain('**reproduces**');
    // seeds of one depth tie in depth but not in bits per byte, so the ranks are not a perfect −1
    const { spearman } = r.summary as { spearman: { depthVsBitsPerByte: number; depthVsScore: number; results: number; paper: number } };
    expect(spearman.depthVsBitsPerByte).toBeCloseTo(-0.9875, 4);
    expect(spearman.depthVsScore).toBeCloseTo(0.9875, 4);
    expect([spearman.results, spearman.paper]).toEqual([18, 0.53]);
    expect(r.summary).toMatchObject({ bestDepth: 15 });
    expect(Object.keys(r.charts)).toEqual(['depth.svg', 'curves.svg']);
    expect(r.lines).toContain('![depth](depth.svg)');
    expect(r.charts['depth.svg']).toContain('>layers<');
    expect(r.charts['depth.svg']).toContain('seed 2');
  });

  it('does not reproduce when deeper is clearly worse', async () => {
    const arms = await depthStudy.arms(inputs);
    const r = depthStudy.report(
      results(arms, (a) => 3 + a.shape.config.numLayers * 0.02, 0.01),
      inputs,
    );
    expect(deeperVerdict(r.lines)).toContain('**does not reproduce**');
  });

  it('is within noise when the ends differ by less than the seed spread, whatever the rank correlation', async () => {
    const arms = await depthStudy.arms(inputs);
    const r = depthStudy.report(
      results(arms, (a) => 3 - a.shape.config.numLayers * 0.001, 0.05),
      inputs,
    );
    expect(deeperVerdict(r.lines)).toContain('**within noise**');
    expect(deeperVerdict(r.lines)).toContain('(within noise, seed spread 0.0500)');
  });

  it('judges nothing from one seed', async () => {
    const arms = await depthStudy.arms(inputs);
    const r = depthStudy.report(
      results(arms, (a) => 3 - a.shape.config.numLayers * 0.02, 0, 1),
      inputs,
    );
    expect(deeperVerdict(r.lines)).toContain('**not judged (one seed)**');
    expect(r.charts['depth.svg']).not.toContain('seed 0');
  });
});

describe('depthSpearman and depthClaim', () => {
  it('correlates over every (arm, seed) result that has a score', async () => {
    const arms = await depthStudy.arms(inputs);
    const all = results(arms, (a) => 3 - a.shape.config.numLayers * 0.02, 0);
    all[0] = { ...all[0], heldOutBitsPerByte: null };
    expect(depthSpearman(all)).toEqual({ rho: -1, n: 17 });
    // seeds spread within a depth: ties in depth but not in bits per byte lower it a little
    expect(depthSpearman(results(arms, (a) => 3 - a.shape.config.numLayers * 0.02, 0.01)).rho).toBeCloseTo(-0.9875, 4);
    // ranks, not values: a non-linear but monotone fall is still −1
    expect(depthSpearman(results(arms.slice(0, 3), (a) => 1 / a.shape.config.numLayers, 0, 1)).rho).toBe(-1);
    expect(depthSpearman([])).toMatchObject({ n: 0 });
  });
  it('needs both the sign and a change beyond the spread', () => {
    const better = { delta: -0.2, spread: 0.01, verdict: 'better' } as const;
    const worse = { delta: 0.2, spread: 0.01, verdict: 'worse' } as const;
    const noise = { delta: -0.01, spread: 0.05, verdict: 'within noise' } as const;
    expect(depthClaim(0.5, better)).toBe('reproduces');
    expect(depthClaim(-0.5, worse)).toBe('does not reproduce');
    expect(depthClaim(-0.2, better)).toBe('within noise');
    expect(depthClaim(0.2, worse)).toBe('within noise');
    expect(depthClaim(0.9, noise)).toBe('within noise');
    expect(depthClaim(Number.NaN, better)).toBe('within noise');
    expect(depthClaim(0.9, { delta: -0.2, spread: 0, verdict: 'one seed' })).toBe('not judged (one seed)');
  });
});
