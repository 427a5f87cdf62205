import { countParams } from '@tinylm/arch-config';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../args';
import type { Arm } from '../arm';
import { reproduceTeacherConfig } from '../budget';
import { ladderShapes } from './ladder';
import { fakePacks, seededResults, studyInputs, verdictLine } from './testing';
import { VOCAB_SIZES, vocabArmId, vocabShape, vocabSizes, vocabStudy } from './vocab';

// the default `reproduce` teacher and budget: the shapes below are the ones the study trains
const teacher = reproduceTeacherConfig(4096);
/** Student-text bytes per token: a larger vocabulary packs more text into a token. */
const BYTES_PER_TOKEN: Record<number, number> = { 512: 2.0, 1024: 2.3, 2048: 2.6, 4096: 3.1, 8192: 3.5 };
const fakePack = fakePacks((v) => BYTES_PER_TOKEN[v]);
const inputs = studyInputs({ pack: fakePack, params: 5_000_000, steps: 200, teacher });
const DEPTH = 10; // the ladder's deeper-thinner shape at this budget: 10 × 192

/** Three seeds per arm at `mean[vocab]`, seeds `spread` apart in all; 1,000 tokens each at the size's bytes per token. */
const results = (arms: readonly Arm[], mean: Record<number, number>, spread: number) =>
  seededResults(arms, (a) => mean[a.vocab], spread, { tokens: 1000, textBytes: (a) => 1000 * BYTES_PER_TOKEN[a.vocab] });

/** The paper's shape, clearly: the compact 2,048 best, both neighbours worse beyond the spread. */
const PEAK = { 512: 3.2, 1024: 3.0, 2048: 2.8, 4096: 2.95, 8192: 3.1 };

describe('the vocab study', () => {
  it('sweeps 512 to 8,192 tokens (and the big vocabulary when it is not among them)', () => {
    expect(VOCAB_SIZES).toEqual([512, 1024, 2048, 4096, 8192]);
    expect(vocabSizes(4096)).toEqual([512, 1024, 2048, 4096, 8192]);
    expect(vocabSizes(3000)).toEqual([512, 1024, 2048, 3000, 4096, 8192]);
  });

  it('trains one arm per size, random init, 1 round, equal steps (equal tokens, as the paper)', async () => {
    const arms = await vocabStudy.arms(inputs);
    expect(arms.map((a) => a.id)).toEqual(['vocab-512', 'vocab-1024', 'vocab-2048', 'vocab-4096', 'vocab-8192']);
    expect(arms.map((a) => [a.vocab, a.shape.config.vocabSize])).toEqual(VOCAB_SIZES.map((v) => [v, v]));
    for (const a of arms) expect([a.init.from, a.rounds, a.steps], a.id).toEqual(['random', 1, 200]);
    expect(arms.map((a) => a.label)).toEqual(['512', '1024', '2048', '4096', '8192']);
    expect(arms[3].what).toContain("the teacher's (big) tokenizer");
    expect(arms[2].what).toContain('the compact tokenizer');
    expect(arms[4].what).toContain("pruned from Qwen3's tokenizer");
  });

  it('puts every size at the ladder’s deeper-thinner depth, the shape closest to the budget there, so freed parameters go into the layers', async () => {
    expect(ladderShapes(inputs).deeper.config.numLayers).toBe(DEPTH);
    const arms = await vocabStudy.arms(inputs);
    const totals = arms.map((a) => countParams(a.shape.config).total);
    for (const [k, a] of arms.entries()) {
      const c = a.shape.config;
      expect(c.numLayers, a.id).toBe(DEPTH);
      expect(Math.abs(totals[k] - 5_000_000) / 5_000_000, a.id).toBeLessThanOrEqual(0.04);
      expect(c.hiddenSize / c.numHeads, a.id).toBe(32);
      expect([c.hiddenSize % 32, c.intermediateSize % 32], a.id).toEqual([0, 0]);
      expect(c.intermediateSize / c.hiddenSize, a.id).toBeGreaterThanOrEqual(2);
      expect(c.intermediateSize / c.hiddenSize, a.id).toBeLessThanOrEqual(4);
      // no other FFN size of the allowed rates at this width and depth comes closer to the budget
      const allowed = (f: number) => f / c.hiddenSize >= 2 && f / c.hiddenSize <= 4;
      for (const f of [c.intermediateSize - 32, c.intermediateSize + 32].filter(allowed)) {
        const other = countParams({ ...c, intermediateSize: f }).total;
        expect(Math.abs(other - 5_000_000), `${a.id} FFN ${f}`).toBeGreaterThanOrEqual(Math.abs(totals[k] - 5_000_000));
      }
    }
    // the layers of the smaller sizes take what their embedding frees: FFN 576 > 544 > 480 at one width
    expect(arms.map((a) => [a.shape.config.hiddenSize, a.shape.config.intermediateSize])).toEqual([
      [192, 576],
      [192, 544],
      [192, 480],
      [160, 544],
      [160, 320],
    ]);
    // with the ladder's one FFN rate (8/3) the three smallest sizes got the same layers and 4.6 M .. 5.2 M parameters
    expect(Math.max(...totals) - Math.min(...totals)).toBeLessThan(250_000);
    expect(arms[0].what).toBe('512 tokens, pruned from the big tokenizer; 192 wide, FFN 576, closest to the budget at 10 layers');
  });

  it('takes the nearest depth that has a shape within the tolerance when the study’s depth has none, and says so (ties: the deeper)', () => {
    // ±1%, 4,096 tokens: 8, 9, 11, 13 and 15 layers have a shape, 10, 12 and 14 do not
    const at = (depth: number) => vocabShape({ params: 5_000_000, vocab: 4096, depth, teacher, tolerance: 0.01 });
    expect(at(9).shape.config.numLayers).toBe(9);
    expect(at(10).shape.config.numLayers).toBe(11);
    expect(at(10).depth).toBe(10);
    expect(at(14).shape.config.numLayers).toBe(15);
    expect(at(16).shape.config.numLayers).toBe(15);
    expect(Math.abs(countParams(at(10).shape.config).total - 5_000_000)).toBeLessThanOrEqual(50_000);
  });

  it('refuses a size with no shape at any depth, naming --params and the size', () => {
    const tooSmall = () => vocabShape({ params: 100_000, vocab: 8192, depth: 10, teacher });
    expect(tooSmall).toThrow(UsageError);
    expect(tooSmall).toThrow(
      /--params 100000: the vocab study's 8192-token arm has no shape within budget: [\s\S]*embedding and LM head alone/,
    );
  });

  it('makes every size’s tokenizer before anything trains, and passes on the refusal of sizes above a given teacher’s', async () => {
    const asked: number[] = [];
    const withGivenTeacher = (vocab: number) => {
      asked.push(vocab);
      return vocab > 4096
        ? Promise.reject(
            new UsageError(`a ${vocab}-token tokenizer is larger than the given teacher's 4096; with --teacher, sizes go up to 4096`),
          )
        : fakePack(vocab);
    };
    await expect(vocabStudy.arms({ ...inputs, pack: withGivenTeacher })).rejects.toThrow(/8192-token tokenizer .*--teacher/);
    expect(asked).toEqual([512, 1024, 2048, 4096, 8192]);
  });
});

describe('the vocab study’s report', () => {
  it('tables every size against the big one, with bytes per token, and finds the compact size best, inside the range', async () => {
    const arms = await vocabStudy.arms(inputs);
    const r = vocabStudy.report(results(arms, PEAK, 0.02), inputs);
    const table = r.lines.filter((l) => l.startsWith('| vocab-'));
    expect(table).toHaveLength(5);
    expect(table[2]).toContain('-0.1500 vs vocab-4096: better (seed spread 0.0200)');
    expect(table[3]).not.toContain(' vs ');
    const bytes = r.lines.slice(r.lines.indexOf('### Bytes of text per token'));
    expect(bytes).toContain('| 512 | 2.000 | -35.5% | 2,000 |');
    expect(bytes).toContain('| 4,096 | 3.100 | — | 3,100 |');
    expect(r.lines).toContain(
      '| best (kept) size | 48,000, 47.6% of the big one | ' +
        '2,048, 50.0% of the big one (**2.8000** (2.7900–2.8100, sd 0.0100) bits/byte) |',
    );
    expect(r.lines.join('\n')).toContain('| embedding + head share, big → best | 38.19% → 18.07% |');
    expect(verdictLine(r.lines, 'the best size is an intermediate one')).toContain('**reproduces**');
    expect(verdictLine(r.lines, 'the best size is an intermediate one')).toContain(
      'best 2,048 (2.8000), against 1,024: -0.2000 (better beyond the seed spread, seed spread 0.0200); ' +
        'against 4,096: -0.1500 (better beyond',
    );
    const smaller = verdictLine(r.lines, 'a vocabulary smaller than the big one');
    expect(smaller).toContain('**reproduces**');
    expect(smaller).toContain('ours is best at 50.0% of our big 4,096 (below it)');
    expect(r.lines.join('\n')).not.toContain("Not at the study's");
    expect(r.summary).toMatchObject({
      best: { vocab: 2048, shareOfBig: 0.5 },
      verdicts: { intermediateBest: 'reproduces', smallerBeatsBig: 'reproduces' },
    });
  });

  it('names the arms that are not at the study’s depth', async () => {
    const arms = await vocabStudy.arms(inputs);
    const nine = vocabShape({ params: 5_000_000, vocab: 8192, depth: 9, teacher }).shape;
    const moved = arms.map((a) => (a.vocab === 8192 ? { ...a, shape: nine } : a));
    const r = vocabStudy.report(results(moved, PEAK, 0.02), inputs);
    expect(r.lines).toContain(
      "Not at the study's 10 layers (no shape of that depth fits the budget with their vocabulary): vocab-8192 at 9 layers.",
    );
  });

  it('does not reproduce the intermediate peak when the smallest size is clearly best', async () => {
    const arms = await vocabStudy.arms(inputs);
    const r = vocabStudy.report(results(arms, { 512: 2.7, 1024: 2.8, 2048: 2.9, 4096: 3.0, 8192: 3.1 }, 0.02), inputs);
    expect(verdictLine(r.lines, 'the best size is an intermediate one')).toContain('**does not reproduce**');
    expect(verdictLine(r.lines, 'the best size is an intermediate one')).toContain('at the end of our range');
    expect(verdictLine(r.lines, 'a vocabulary smaller than the big one')).toContain('**reproduces**');
    expect(verdictLine(r.lines, 'a vocabulary smaller than the big one')).toContain('12.5% of our big 4,096 (below it)');
  });

  it('is within noise when the sizes differ by less than the seed spread', async () => {
    const arms = await vocabStudy.arms(inputs);
    const r = vocabStudy.report(results(arms, { 512: 3.0, 1024: 2.99, 2048: 2.98, 4096: 2.985, 8192: 3.0 }, 0.05), inputs);
    expect(verdictLine(r.lines, 'the best size is an intermediate one')).toContain('**within noise**');
    expect(verdictLine(r.lines, 'a vocabulary smaller than the big one')).toContain('**within noise**');
  });

  it('does not reproduce "smaller is better" when the big vocabulary is clearly best', async () => {
    const arms = await vocabStudy.arms(inputs);
    const r = vocabStudy.report(results(arms, { 512: 3.3, 1024: 3.2, 2048: 3.1, 4096: 2.9, 8192: 3.0 }, 0.02), inputs);
    expect(verdictLine(r.lines, 'a vocabulary smaller than the big one')).toContain('**does not reproduce**');
    expect(verdictLine(r.lines, 'a vocabulary smaller than the big one')).toContain('100.0% of our big 4,096 (at it)');
  });

  it('draws bits per byte against log2 of the vocabulary size, mean and each seed, and the curves', async () => {
    const arms = await vocabStudy.arms(inputs);
    const r = vocabStudy.report(results(arms, PEAK, 0.02), inputs);
    expect(Object.keys(r.charts)).toEqual(['vocab.svg', 'curves.svg']);
    expect(r.lines).toContain('![vocabulary size](vocab.svg)');
    expect(r.charts['vocab.svg']).toContain('log2(vocabulary size): 9 = 512, 10 = 1024, 11 = 2048, 12 = 4096, 13 = 8192');
    for (const name of ['mean', 'seed 0', 'seed 2']) expect(r.charts['vocab.svg']).toContain(`>${name}<`);
  });

  it('needs the big vocabulary among the results', async () => {
    const arms = (await vocabStudy.arms(inputs)).filter((a) => a.id !== vocabArmId(4096));
    expect(() => vocabStudy.report(results(arms, PEAK, 0.02), inputs)).toThrow(/no results for the big vocabulary \(4096\)/);
  });
});
