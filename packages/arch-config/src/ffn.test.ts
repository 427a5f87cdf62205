// Tests of ffn.ts against InternEvo's FFN sizing and the released/public FFN sizes.
import { describe, expect, it } from 'vitest';
import { ffnFromMlpRatio, mlpRatioFor } from './ffn';

describe('ffnFromMlpRatio (InternEvo: multiple_of * ceil(int(h * r) / multiple_of))', () => {
  it('reproduces the released and public FFN sizes', () => {
    expect(ffnFromMlpRatio(1792, 8 / 3)).toBe(4864); // configs/LLM1B.py: int(4778.67) = 4778 -> 19 * 256
    expect(ffnFromMlpRatio(2048, 8 / 3)).toBe(5632); // PanGu-π-1B, TinyLlama: 5461 -> 22 * 256
    expect(ffnFromMlpRatio(4096, 8 / 3)).toBe(11008); // LLaMA-2-7B: 10922 -> 43 * 256
    expect(ffnFromMlpRatio(4096, 3.5)).toBe(14336); // InternEvo configs/7B_llama2.py
  });

  it('truncates before rounding, like int()', () => {
    expect(ffnFromMlpRatio(1792, 8 / 3, 1)).toBe(4778); // int(4778.67): truncated, not rounded
    expect(ffnFromMlpRatio(100, 2.56)).toBe(256); // exactly a multiple stays
    expect(ffnFromMlpRatio(100, 2.57)).toBe(512); // 257 rounds up to 512
    expect(ffnFromMlpRatio(128, 2.75, 32)).toBe(352);
    expect(ffnFromMlpRatio(128, 8 / 3, 1)).toBe(341);
  });
});

describe('mlpRatioFor', () => {
  it('finds the simplest fraction that reproduces the size', () => {
    expect(mlpRatioFor(1792, 4864)).toMatchObject({ numerator: 8, denominator: 3, python: '8 / 3' }); // as in LLM1B.py
    expect(mlpRatioFor(4096, 11008)?.python).toBe('8 / 3');
    expect(mlpRatioFor(4096, 16384)?.python).toBe('4');
    expect(mlpRatioFor(384, 1024)?.python).toBe('5 / 2'); // int(960) -> 1024
  });

  it('every fit round-trips through the rounding rule', () => {
    for (const [h, f] of [
      [2048, 6912],
      [1792, 4864],
      [512, 1536],
      [768, 2048],
      [1024, 2816],
    ]) {
      const fit = mlpRatioFor(h, f);
      expect(fit, `${h}/${f}`).toBeDefined();
      expect(ffnFromMlpRatio(h, fit!.ratio)).toBe(f);
      expect(fit!.ratio).toBe(fit!.numerator / fit!.denominator);
    }
  });

  it('returns undefined when the size is not a multiple of the rounding', () => {
    expect(mlpRatioFor(256, 688)).toBeUndefined(); // bench-5m
    expect(mlpRatioFor(128, 352)).toBeUndefined();
    expect(mlpRatioFor(128, 352, 32)?.python).toBe('8 / 3'); // int(341.33) -> 352
  });
});
