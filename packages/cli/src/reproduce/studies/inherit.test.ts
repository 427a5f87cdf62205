import { WIDTH_CRITERIA } from '@tinylm/param-inherit';
import { describe, expect, it } from 'vitest';
import type { Arm } from '../arm';
import { allOf, claimOf } from './claim';
import { inheritStudy } from './inherit';
import { ladderShapes } from './ladder';
import { fakePacks, SMALL_TEACHER, seededResults, studyInputs, verdictLine } from './testing';

const teacher = SMALL_TEACHER;
const inputs = studyInputs({ pack: fakePacks((v) => (v === 4096 ? 3.1 : 2.6)), params: 1_200_000, steps: 60, teacher });
const results = (arms: readonly Arm[], mean: Record<string, number>, spread: number) => seededResults(arms, (a) => mean[a.id], spread);

/** The paper's order, clearly: every criterion well below random, learned best, block influence better than first-last. */
const CLEAR = {
  random: 3.0,
  'first-last-l1': 2.8,
  'first-last-l2': 2.7,
  'first-last-taylor': 2.6,
  'first-last-activation': 2.65,
  'first-last-learned': 2.5,
  'block-influence-l2': 2.6,
};

describe('the inherit study', () => {
  it('has random init, every width criterion inside the first and last layers, and block influence with L2', async () => {
    const arms = await inheritStudy.arms(inputs);
    expect(arms.map((a) => a.id)).toEqual([
      'random',
      'first-last-l1',
      'first-last-l2',
      'first-last-taylor',
      'first-last-activation',
      'first-last-learned',
      'block-influence-l2',
    ]);
    expect(arms.map((a) => a.init)).toEqual([
      { from: 'random' },
      ...['l1', 'l2', 'taylor', 'activation', 'learned'].map((width) => ({ from: 'teacher', layers: 'first-last', width })),
      { from: 'teacher', layers: 'block-influence', width: 'l2' },
    ]);
    // no width criterion of param-inherit is left out
    const widths = arms.flatMap((a) => (a.init.from === 'teacher' && a.init.layers === 'first-last' ? [a.init.width] : []));
    expect(new Set(widths)).toEqual(new Set(WIDTH_CRITERIA));
  });

  it('trains the ladder’s deeper-thinner shape with the compact vocabulary, 1 round, the same steps', async () => {
    const arms = await inheritStudy.arms(inputs);
    const deeper = ladderShapes({ params: 1_200_000, bigVocab: 4096, compactVocab: 2048, teacher }).deeper;
    for (const a of arms) {
      expect(a.shape.config, a.id).toEqual(deeper.config);
      expect([a.vocab, a.rounds, a.steps, a.sampleRate], a.id).toEqual([2048, 1, 60, 0.5]);
    }
  });

  it('reports every arm against random init, and block influence against first-last', async () => {
    const arms = await inheritStudy.arms(inputs);
    const r = inheritStudy.report(results(arms, CLEAR, 0.02), inputs);
    const table = r.lines.slice(0, 2 + arms.length);
    expect(table[2]).toContain('random: random init');
    expect(table[2].endsWith(' |  |')).toBe(true);
    expect(table[3]).toContain('-0.2000 vs random: better (seed spread 0.0200)');
    expect(table[7]).toContain('-0.5000 vs random: better');
    expect(r.lines).toContain('Depth, both with L2 width: block-influence-l2 -0.1000 vs first-last-l2: better (seed spread 0.0200).');
    expect(r.lines).toContain('![inheritance criteria](inherit.svg)');
    expect(Object.keys(r.charts)).toEqual(['inherit.svg', 'curves.svg']);
    expect(r.charts['inherit.svg']).toContain('<svg');
  });

  it('sets the paper’s scores beside ours in the paper-vs-ours table', async () => {
    const arms = await inheritStudy.arms(inputs);
    const lines = inheritStudy.report(results(arms, CLEAR, 0.02), inputs).lines;
    const start = lines.indexOf('## Paper vs ours');
    const table = lines.slice(start + 2, start + 2 + 2 + arms.length);
    expect(table[2]).toMatch(/^\| random init \| 42\.06 \| — \| random \| \*\*3\.0000\*\* .* \| — \|$/);
    expect(table[3]).toMatch(/^\| L1 norm \| 46\.06 \| \+4\.00 \| first-last-l1 \| \*\*2\.8000\*\* .* \| -0\.2000 \(better\) \|$/);
    expect(table[7]).toMatch(/^\| learnable mask \| 48\.08 \| \+6\.02 \| first-last-learned \|/);
    expect(table[6]).toContain("activation (Minitron), not in the paper's ablation | — | — |");
    expect(table[8]).toContain('| block-influence-l2 |');
  });

  it('says the paper reproduces when the differences are larger than the seed spread', async () => {
    const arms = await inheritStudy.arms(inputs);
    const r = inheritStudy.report(results(arms, CLEAR, 0.02), inputs);
    expect(verdictLine(r.lines, '(a)')).toContain('**reproduces**');
    const order = verdictLine(r.lines, '(b)');
    expect(order).toContain('**reproduces**');
    expect(order).toContain('ours, best to worst: learned 2.5000, Taylor 2.6000, activation 2.6500, L2 2.7000, L1 2.8000');
    expect(order).toContain('L1 → L2 -0.1000 (agrees: larger than the seed spread 0.0200)');
    expect(order).toContain('Taylor → learned -0.1000 (agrees: larger than the seed spread 0.0200)');
    expect(verdictLine(r.lines, 'activation')).toContain('ranks 3 of 5');
    // block influence beats first-last here: the paper's fixed choice is not the best one
    const depth = verdictLine(r.lines, '(c)');
    expect(depth).toContain('**does not reproduce**');
    expect(depth).not.toContain('same seed for seed');
    expect(r.summary).toMatchObject({
      ourOrder: ['learned', 'taylor', 'activation', 'l2', 'l1'],
      activationRank: 3,
      verdicts: { beatsRandom: 'reproduces', paperOrder: 'reproduces', depth: 'does not reproduce' },
    });
  });

  it('says within noise when the differences are inside the seed spread, and names a pair that disagrees', async () => {
    const arms = await inheritStudy.arms(inputs);
    // L1 within noise of random; Taylor below learned by more than the spread; block influence scores like first-last
    const noisy = { ...CLEAR, 'first-last-l1': 2.99, 'first-last-learned': 2.7, 'block-influence-l2': 2.7 };
    const r = inheritStudy.report(results(arms, noisy, 0.05), inputs);
    const a = verdictLine(r.lines, '(a)');
    expect(a).toContain('**within noise**');
    expect(a).toContain('first-last-l1 -0.0100 (within noise)');
    const order = verdictLine(r.lines, '(b)');
    expect(order).toContain('**does not reproduce**');
    expect(order).toContain('Taylor → learned +0.1000 (disagrees: larger than the seed spread 0.0500)');
    const depth = verdictLine(r.lines, '(c)');
    expect(depth).toContain('**within noise**');
    // identical scores seed for seed point to the same kept layers
    expect(depth).toContain('same seed for seed');
  });

  it('does not judge claims from one seed', () => {
    expect(claimOf('one seed', 'better')).toBe('not judged (one seed)');
    expect(claimOf('worse', 'worse')).toBe('reproduces');
    expect(claimOf('better', 'worse')).toBe('does not reproduce');
    expect(allOf(['reproduces', 'within noise', 'reproduces'])).toBe('within noise');
    expect(allOf(['reproduces', 'within noise', 'does not reproduce'])).toBe('does not reproduce');
    expect(allOf(['reproduces', 'reproduces'])).toBe('reproduces');
  });
});
