import { countParams, resolveConfig } from '@tinylm/arch-config';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../args';
import { RANDOM, roundSteps } from '../arm';
import type { ArmResult } from '../run-arms';
import { summarizeArms } from '../stats';
import { LADDER_MLP_RATIO, ladderShapes, ladderStudy } from './ladder';
import { fakePacks, SMALL_TEACHER, studyInputs } from './testing';

const teacher = SMALL_TEACHER;
const shapes = ladderShapes({ params: 1_200_000, bigVocab: 4096, compactVocab: 2048, teacher });
const inputs = studyInputs({ pack: fakePacks((v) => (v === 4096 ? 3.1 : 2.6)), params: 1_200_000, steps: 60, teacher });

describe('the ladder study', () => {
  it('adds one strategy per rung, in the order of the authors’ figure, plus the compact rung at equal bytes', async () => {
    const arms = await ladderStudy.arms(inputs);
    expect(arms.map((a) => a.id)).toEqual([
      'baseline',
      'compact-tokenizer',
      'compact-equal-bytes',
      'deeper-thinner',
      'inheritance',
      'two-rounds',
    ]);
    expect(arms.map((a) => [a.vocab, a.init.from, a.rounds])).toEqual([
      [4096, 'random', 1],
      [2048, 'random', 1],
      [2048, 'random', 1],
      [2048, 'random', 1],
      [2048, 'teacher', 1],
      [2048, 'teacher', 2],
    ]);
    // equal tokens everywhere but the equal-bytes rung, which reads the baseline's bytes of text
    expect(arms.map((a) => a.steps)).toEqual([60, 60, Math.round((60 * 3.1) / 2.6), 60, 60, 60]);
    expect(arms[2].shape).toBe(arms[1].shape);
  });

  it('keeps every shape within ±10% of the parameter budget, with the same FFN rate and head size', () => {
    for (const [name, s] of Object.entries(shapes)) {
      const total = countParams(s.config).total;
      expect(Math.abs(total - 1_200_000) / 1_200_000, name).toBeLessThanOrEqual(0.1);
      expect(s.mlpRatio).toBe(LADDER_MLP_RATIO);
      expect(s.config.hiddenSize / s.config.numHeads).toBe(32);
    }
  });

  it('spends the compact tokenizer’s freed parameters on wider layers, then goes deeper and thinner', () => {
    const [base, compact, deeper] = [shapes.baseline, shapes.compact, shapes.deeper].map((s) => s.config);
    expect(base.vocabSize).toBe(4096);
    expect(compact.vocabSize).toBe(2048);
    expect(compact.numLayers).toBe(base.numLayers);
    expect(compact.hiddenSize).toBeGreaterThan(base.hiddenSize);
    expect(deeper.numLayers).toBeGreaterThan(compact.numLayers);
    expect(deeper.hiddenSize).toBeLessThan(compact.hiddenSize);
  });

  it('gives the inherited rungs a shape that fits inside the teacher', () => {
    const c = shapes.deeper.config;
    expect(c.numLayers).toBeLessThanOrEqual(teacher.numLayers);
    expect(c.hiddenSize).toBeLessThanOrEqual(teacher.hiddenSize);
    expect(c.intermediateSize).toBeLessThanOrEqual(teacher.intermediateSize);
    expect(c.numHeads).toBeLessThanOrEqual(teacher.numHeads);
  });

  it('refuses a compact vocabulary that is not smaller, and budgets with no deeper shape, naming the flag', () => {
    expect(() => ladderShapes({ params: 1_200_000, bigVocab: 2048, compactVocab: 2048, teacher })).toThrow(/--student-vocab/);
    const shallowTeacher = resolveConfig({ ...teacher, numLayers: 3 });
    expect(() => ladderShapes({ params: 1_200_000, bigVocab: 4096, compactVocab: 2048, teacher: shallowTeacher })).toThrow(UsageError);
    expect(() => ladderShapes({ params: 1_200_000, bigVocab: 4096, compactVocab: 2048, teacher: shallowTeacher })).toThrow(
      /--params 1200000: .*no deeper than the baseline/,
    );
  });

  it('reports each rung against the one before, and the equal-bytes rung against the baseline', async () => {
    const arms = await ladderStudy.arms(inputs);
    const results = arms.flatMap((arm, k) =>
      [0, 1, 2].map(
        (seed) =>
          ({
            arm,
            seed,
            config: arm.shape.config,
            heldOutBitsPerByte: 3 - k * 0.1 + seed * 0.01,
            tokens: 1,
            textBytes: 1,
            seconds: 1,
            metrics: [],
          }) as unknown as ArmResult,
      ),
    );
    const r = ladderStudy.report(results, inputs);
    const table = r.lines.filter((l) => l.startsWith('| '));
    expect(table).toHaveLength(1 + arms.length);
    expect(table[2]).toContain('-0.1000 vs baseline: better (seed spread 0.0200)');
    expect(table[3]).toContain('-0.2000 vs baseline: better');
    expect(table[4]).toContain('-0.2000 vs compact-tokenizer: better');
    expect(Object.keys(r.charts)).toEqual(['ladder.svg', 'curves.svg']);
  });
});

describe('roundSteps', () => {
  it('leaves each later round the trainer’s round(rate × batches) steps, so the rounds total the budget', () => {
    expect(roundSteps(210, 140, 2, 0.5)).toEqual({ first: 140, refined: 70 });
    expect(roundSteps(100, 41, 2, 0.5)).toEqual({ first: 100 - 21, refined: 21 });
    expect(roundSteps(200, 100, 3, 0.5)).toEqual({ first: 100, refined: 50 });
    expect(roundSteps(50, 100, 1, 0.5)).toEqual({ first: 50, refined: 0 });
  });
  it('refuses a budget whose first round would be shorter than a later one, naming the flag and the minimum', () => {
    expect(() => roundSteps(12, 14, 2, 0.5)).toThrow(
      /too small for 2 rounds at sampling rate 0.5 over 14 batches .*--steps must be at least 14/,
    );
    expect(() => roundSteps(140, 100, 3, 0.5, '--scale')).toThrow(/--scale must be at least 150/);
  });
});

describe('summarizeArms', () => {
  const arm = { id: 'a', init: RANDOM } as never;
  const other = { id: 'b', init: RANDOM } as never;
  const result = (a: never, seed: number, bpb: number) =>
    ({ arm: a, seed, heldOutBitsPerByte: bpb, tokens: 10, textBytes: 30, seconds: 10 }) as unknown as ArmResult;
  it('averages seeds per arm, with their range and standard deviation', () => {
    const rows = summarizeArms([result(arm, 0, 3), result(arm, 1, 2.8), result(other, 0, 2.5), result(other, 1, 2.7)]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ mean: 2.9, min: 2.8, max: 3, seeds: 2, seconds: 20, tokens: 10 });
    expect(rows[0].sd).toBeCloseTo(Math.sqrt(0.02));
    expect(rows[1].mean).toBeCloseTo(2.6);
  });
});
