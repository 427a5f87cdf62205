// Tests of flops.ts: PaLM's 6N + 12·L·T·d, checked by hand on LLaMA-2-7B.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { flopsPerToken } from './flops';
import { getPreset } from './presets';

describe('flopsPerToken (PaLM: 6N + 12·L·T·d)', () => {
  it('LLaMA-2-7B at 4096 tokens', () => {
    const f = flopsPerToken(getPreset('llama2-7b').config, { seqLen: 4096 });
    const N = 6_738_415_616 - 32000 * 4096 - (32 * 2 * 4096 + 4096); // minus embedding lookup and norm gains
    expect(f.matmulParams).toBe(N);
    expect(f.matmulParams).toBe(6_607_077_376);
    expect(f.forwardDense).toBe(2 * N);
    expect(f.forwardAttention).toBe(4 * 32 * 4096 * 4096);
    expect(f.training).toBe(6 * N + 12 * 32 * 4096 * 4096);
    expect(f.training).toBe(46_084_915_200);
    expect(f.backward).toBe(2 * f.forward);
    expect(f.training).toBe(f.forward + f.backward);
  });

  it('defaults to maxPositionEmbeddings and grows linearly in T', () => {
    const c = getPreset('bench-5m').config;
    expect(flopsPerToken(c).seqLen).toBe(128);
    const a = flopsPerToken(c, { seqLen: 100 }).training;
    const b = flopsPerToken(c, { seqLen: 200 }).training;
    expect(b - a).toBe(12 * 4 * 100 * 256);
  });

  it('GQA does not shrink the attention term (scores for every query head)', () => {
    const c = getPreset('tinyllama-1.1b').config;
    expect(flopsPerToken(c, { seqLen: 2048 }).forwardAttention).toBe(4 * 22 * 2048 * 2048);
  });

  it('rejects a bad seqLen', () => {
    expect(() => flopsPerToken(getPreset('bench-5m').config, { seqLen: 0 })).toThrow(InvalidArgumentError);
  });
});
