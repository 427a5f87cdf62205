import { describe, expect, it } from 'vitest';
import { UsageError } from '../../args';
import type { Arm } from '../arm';
import { LADDER_INIT, ladderShapes } from './ladder';
import { roundsStudy } from './rounds';
import { fakePacks, SMALL_TEACHER, seededResults, studyInputs, verdictLine } from './testing';

const teacher = SMALL_TEACHER;
// packs only need their batch count to split the rounds; the big one has fewer, to catch the wrong pack
const inputs = studyInputs({
  pack: fakePacks(
    () => 2.6,
    (v) => (v === 2048 ? 40 : 10),
  ),
  params: 1_200_000,
  steps: 80,
  teacher,
});
const results = (arms: readonly Arm[], mean: Record<string, number>, spread: number) => seededResults(arms, (a) => mean[a.id], spread);

/** The paper, clearly: two rounds well below one, three like two, 0.5 the best rate. */
const CLEAR = { '1-round': 3.0, '2-rounds-0.5': 2.8, '3-rounds-0.5': 2.81, '2-rounds-0.25': 2.9, '2-rounds-0.75': 2.88 };

describe('the rounds study', () => {
  it('has 1, 2 and 3 rounds at 0.5 and 2 rounds at 0.25 and 0.75, all from the ladder’s inherited init', async () => {
    const arms = await roundsStudy.arms(inputs);
    expect(arms.map((a) => a.id)).toEqual(['1-round', '2-rounds-0.5', '3-rounds-0.5', '2-rounds-0.25', '2-rounds-0.75']);
    expect(arms.map((a) => [a.rounds, a.sampleRate])).toEqual([
      [1, 0.5],
      [2, 0.5],
      [3, 0.5],
      [2, 0.25],
      [2, 0.75],
    ]);
    const deeper = ladderShapes({ params: 1_200_000, bigVocab: 4096, compactVocab: 2048, teacher }).deeper;
    for (const a of arms) {
      expect(a.init, a.id).toEqual(LADDER_INIT);
      expect(a.shape.config, a.id).toEqual(deeper.config);
      // equal total steps: more rounds spend the same budget differently
      expect([a.vocab, a.steps], a.id).toEqual([2048, 80]);
    }
  });

  it('says how each arm splits its steps over the rounds, from the compact pack’s batches', async () => {
    const arms = await roundsStudy.arms(inputs);
    expect(arms.map((a) => a.what)).toEqual([
      '1 round of 80 steps',
      '2 rounds at rate 0.5: 60 + 1 × 20 steps, later rounds over batches drawn by loss',
      '3 rounds at rate 0.5: 40 + 2 × 20 steps, later rounds over batches drawn by loss',
      '2 rounds at rate 0.25: 70 + 1 × 10 steps, later rounds over batches drawn by loss',
      '2 rounds at rate 0.75: 50 + 1 × 30 steps, later rounds over batches drawn by loss',
    ]);
  });

  it('refuses a budget too small for any arm’s rounds before anything trains, naming --steps and the minimum', async () => {
    // 40 batches: 3 rounds at 0.5 and 2 rounds at 0.75 both need 60 steps
    await expect(roundsStudy.arms({ ...inputs, steps: 59 })).rejects.toThrow(UsageError);
    await expect(roundsStudy.arms({ ...inputs, steps: 59 })).rejects.toThrow(/3 rounds at sampling rate 0.5 .*--steps must be at least 60/);
    await expect(roundsStudy.arms({ ...inputs, steps: 60 })).resolves.toHaveLength(5);
  });

  it('reports every arm against 1 round, with the paper’s figures beside ours and the charts', async () => {
    const arms = await roundsStudy.arms(inputs);
    const r = roundsStudy.report(results(arms, CLEAR, 0.02), inputs);
    const table = r.lines.slice(0, 2 + arms.length);
    expect(table[2].endsWith(' |  |')).toBe(true);
    expect(table[3]).toContain('| 2 at 0.5 |');
    expect(table[3]).toContain('-0.2000 vs 1-round: better (seed spread 0.0200)');
    expect(table[6]).toContain('-0.1200 vs 1-round: better');
    const against = r.lines.find((l) => l.startsWith('Against two rounds at 0.5'));
    expect(against).toContain('3-rounds-0.5 +0.0100 vs 2-rounds-0.5: within noise');
    expect(against).toContain('2-rounds-0.25 +0.1000 vs 2-rounds-0.5: worse');

    const start = r.lines.indexOf('## Paper vs ours');
    const paper = r.lines.slice(start + 4, start + 4 + arms.length);
    expect(paper[0]).toMatch(/^\| 1 round \| 51\.61 \| — \| 1-round \| \*\*3\.0000\*\* .* \| — \|$/);
    expect(paper[1]).toMatch(
      /^\| 2 rounds at rate 0\.5 \| 54\.46 \| \+2\.85 \| 2-rounds-0\.5 \| \*\*2\.8000\*\* .* \| -0\.2000 \(better\) \|$/,
    );
    expect(paper[2]).toMatch(/^\| 3 rounds at rate 0\.5 \| 54\.44 \| \+2\.83 \|/);
    expect(paper[3]).toMatch(/^\| 2 rounds at rate 0\.25 \| — \(not in the paper\) \| — \| 2-rounds-0\.25 \|/);

    expect(Object.keys(r.charts)).toEqual(['rounds.svg', 'sampling-rate.svg', 'curves.svg']);
    for (const link of ['![rounds](rounds.svg)', '![sampling rate](sampling-rate.svg)', '![curves](curves.svg)'])
      expect(r.lines).toContain(link);
    expect(r.charts['sampling-rate.svg']).toContain('2 rounds');
  });

  it('says the paper reproduces when the differences are larger than the seed spread', async () => {
    const arms = await roundsStudy.arms(inputs);
    const r = roundsStudy.report(results(arms, CLEAR, 0.02), inputs);
    expect(verdictLine(r.lines, '2 rounds beat 1')).toContain('**reproduces**; -0.2000 vs 1-round: better');
    // three rounds within noise of two: no further gain, as the paper found
    expect(verdictLine(r.lines, '3 rounds gain nothing over 2')).toContain('**reproduces**; +0.0100 vs 2-rounds-0.5: within noise');
    const rate = verdictLine(r.lines, 'the sampling rate');
    expect(rate).toContain('best at 2 rounds is 0.5 (2.8000)');
    expect(rate).toContain('rate 0.25 +0.1000 (worse: larger than the seed spread 0.0200)');
    expect(rate).toContain('rate 0.75 +0.0800 (worse: larger than the seed spread 0.0200)');
    expect(rate).toContain('the default 0.5 being the best: **reproduces**');
    expect(r.summary).toMatchObject({
      bestRate: 0.5,
      verdicts: { twoBeatsOne: 'reproduces', noFurtherGain: 'reproduces', paperRate: 'reproduces' },
    });
  });

  it('says within noise inside the seed spread, and does not reproduce when a third round or another rate wins', async () => {
    const arms = await roundsStudy.arms(inputs);
    const noisy = { '1-round': 3.0, '2-rounds-0.5': 2.98, '3-rounds-0.5': 2.85, '2-rounds-0.25': 2.97, '2-rounds-0.75': 2.7 };
    const r = roundsStudy.report(results(arms, noisy, 0.05), inputs);
    expect(verdictLine(r.lines, '2 rounds beat 1')).toContain('**within noise**');
    expect(verdictLine(r.lines, '3 rounds gain nothing over 2')).toContain('**does not reproduce**; -0.1300 vs 2-rounds-0.5: better');
    const rate = verdictLine(r.lines, 'the sampling rate');
    expect(rate).toContain('best at 2 rounds is 0.75');
    expect(rate).toContain('rate 0.25 +0.2700 (worse: larger than the seed spread 0.0500)');
    expect(rate).toContain('the default 0.5 being the best: **does not reproduce**');

    // 0.75 best but inside the spread of 0.5: within noise
    const close = roundsStudy.report(results(arms, { ...noisy, '2-rounds-0.75': 2.96 }, 0.05), inputs);
    const closeRate = verdictLine(close.lines, 'the sampling rate');
    expect(closeRate).toContain('rate 0.5 +0.0200 (within noise: inside the seed spread 0.0500)');
    expect(closeRate).toContain('the default 0.5 being the best: **within noise**');
  });
});
