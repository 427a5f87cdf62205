// Tests of internevo-parallel.ts: InternEvo's parallel rules (dp % zero1 == 0; tensor splits
// heads, KV heads, hidden, vocabulary and FFN; a layer per pipeline stage) and the defaults.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { internEvoParallel } from './internevo-parallel';
import { getPreset } from './presets';

const pro = getPreset('pangu-pi-1b-pro').config; // 14 heads, 20 layers, vocab 48000

describe('internEvoParallel', () => {
  it("defaults to the authors' one node of 8 GPUs with zero1 8", () => {
    expect(internEvoParallel(pro, {})).toEqual({ dataParallel: 8, zero1Size: 8, tensorParallel: 1, pipelineParallel: 1, worldSize: 8 });
  });

  it('the default zero1 is the largest divisor of the data-parallel size up to 8', () => {
    const zero1 = (dataParallel: number) => internEvoParallel(pro, { dataParallel }).zero1Size;
    expect([1, 2, 3, 5, 7, 9, 12, 16, 64].map(zero1)).toEqual([1, 2, 3, 5, 7, 3, 6, 8, 8]);
  });

  it('world size is data x tensor x pipeline', () => {
    expect(internEvoParallel(pro, { dataParallel: 3, zero1Size: 3, tensorParallel: 2, pipelineParallel: 4 }).worldSize).toBe(24);
  });

  it('refuses zero1 not dividing dp, a tensor split not dividing every split size, more stages than layers', () => {
    expect(() => internEvoParallel(pro, { dataParallel: 6, zero1Size: 4 })).toThrow('allowed: a divisor of 6: 1, 2, 3, 6');
    expect(() => internEvoParallel(pro, { zero1Size: 16 })).toThrow('the data-parallel size is 8');
    expect(() => internEvoParallel(pro, { tensorParallel: 3 })).toThrow('splits numHeads (14) evenly; allowed: a common divisor of');
    expect(() => internEvoParallel(pro, { tensorParallel: 14 })).toThrow(/splits hiddenSize|splits vocabSize|splits intermediateSize/);
    expect(() => internEvoParallel(pro, { pipelineParallel: 20 })).not.toThrow();
    expect(() => internEvoParallel(pro, { pipelineParallel: 21 })).toThrow(InvalidArgumentError);
  });
});
