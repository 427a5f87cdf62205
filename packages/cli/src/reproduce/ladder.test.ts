import { countParams, resolveConfig } from '@tinylm/arch-config';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../args';
import { firstRoundSteps, LADDER_MLP_RATIO, ladderRungs } from './ladder';
import { summarize, type RungResult } from './report';

const teacher = resolveConfig({
  vocabSize: 4096,
  hiddenSize: 192,
  numLayers: 8,
  numHeads: 6,
  intermediateSize: 512,
  maxPositionEmbeddings: 256,
});
const rungs = ladderRungs({ params: 1_200_000, bigVocab: 4096, compactVocab: 2048, teacher });

describe('ladderRungs', () => {
  it('adds one strategy per rung, in the order of the authors’ figure', () => {
    expect(rungs.map((r) => r.id)).toEqual(['baseline', 'compact-tokenizer', 'deeper-thinner', 'inheritance', 'two-rounds']);
    expect(rungs.map((r) => [r.tokenizer, r.init, r.rounds])).toEqual([
      ['big', 'random', 1],
      ['compact', 'random', 1],
      ['compact', 'random', 1],
      ['compact', 'inherit', 1],
      ['compact', 'inherit', 2],
    ]);
  });

  it('keeps every rung within ±10% of the parameter budget, with the same FFN rate and head size', () => {
    for (const r of rungs) {
      const total = countParams(r.shape.config).total;
      expect(Math.abs(total - 1_200_000) / 1_200_000, r.id).toBeLessThanOrEqual(0.1);
      expect(r.shape.mlpRatio).toBe(LADDER_MLP_RATIO);
      expect(r.shape.config.hiddenSize / r.shape.config.numHeads).toBe(32);
    }
  });

  it('spends the compact tokenizer’s freed parameters on wider layers, then goes deeper and thinner', () => {
    const [base, compact, deeper] = rungs.map((r) => r.shape.config);
    expect(base.vocabSize).toBe(4096);
    expect(compact.vocabSize).toBe(2048);
    expect(compact.numLayers).toBe(base.numLayers);
    expect(compact.hiddenSize).toBeGreaterThan(base.hiddenSize);
    expect(deeper.numLayers).toBeGreaterThan(compact.numLayers);
    expect(deeper.hiddenSize).toBeLessThan(compact.hiddenSize);
  });

  it('gives the inherited rungs a shape that fits inside the teacher', () => {
    const c = rungs[3].shape.config;
    expect(c).toEqual(rungs[2].shape.config);
    expect(c.numLayers).toBeLessThanOrEqual(teacher.numLayers);
    expect(c.hiddenSize).toBeLessThanOrEqual(teacher.hiddenSize);
    expect(c.intermediateSize).toBeLessThanOrEqual(teacher.intermediateSize);
    expect(c.numHeads).toBeLessThanOrEqual(teacher.numHeads);
  });

  it('refuses a compact vocabulary that is not smaller, and budgets with no deeper shape', () => {
    expect(() => ladderRungs({ params: 1_200_000, bigVocab: 2048, compactVocab: 2048, teacher })).toThrow(UsageError);
    const shallowTeacher = resolveConfig({ ...teacher, numLayers: 3 });
    expect(() => ladderRungs({ params: 1_200_000, bigVocab: 4096, compactVocab: 2048, teacher: shallowTeacher })).toThrow(
      /no deeper than the baseline/,
    );
  });
});

describe('firstRoundSteps', () => {
  it('leaves round 2 the trainer’s round(rate × batches) steps, so both rounds total the budget', () => {
    expect(firstRoundSteps(210, 140, 8, 0.5)).toBe(140);
    expect(firstRoundSteps(100, 41, 8, 0.5)).toBe(100 - 21);
  });
  it('refuses a budget whose first round would be shorter than the second', () => {
    expect(() => firstRoundSteps(12, 14, 8, 0.5)).toThrow(/too small for two rounds over 14 batches/);
  });
});

describe('summarize', () => {
  const result = (rungIndex: number, seed: number, bpb: number) =>
    ({ rung: rungs[rungIndex], seed, config: rungs[rungIndex].shape.config, heldOutBitsPerByte: bpb, seconds: 10 }) as RungResult;
  it('averages seeds per rung and reports the change from the rung before', () => {
    const rows = summarize([result(0, 0, 3), result(0, 1, 2.8), result(1, 0, 2.5), result(1, 1, 2.7)]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ mean: 2.9, min: 2.8, max: 3, delta: null, seconds: 20 });
    expect(rows[1].mean).toBeCloseTo(2.6);
    expect(rows[1].delta).toBeCloseTo(-0.3);
  });
});
