// float32 <-> F16 (IEEE binary16): hand-checked bit patterns (ties to even, subnormals, overflow,
// Inf, NaN), an exhaustive round trip, and a search-based reference.

import { describe, expect, it } from 'vitest';
import { f16ArrayToFloat32, f16BitsToFloat32, f32BitsToF16Bits, float32ArrayToF16, float32ToF16Bits } from './float16';

const f32Of = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0];
const bitsOf = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0];

describe('float32 -> F16 (hand-checked bit patterns)', () => {
  const cases: [string, number, number][] = [
    ['+0', 0, 0x0000],
    ['-0', -0, 0x8000],
    ['1', 1, 0x3c00],
    ['-2', -2, 0xc000],
    ['0.5', 0.5, 0x3800],
    ['0.1 (nearest is 0.0999755859375)', 0.1, 0x2e66],
    ['1/3', 1 / 3, 0x3555],
    ['65504, the largest finite', 65504, 0x7bff],
    ['65519, below the midpoint to 65536', 65519, 0x7bff],
    ['65520, tie between 65504 (odd) and 2^16 -> even -> Inf', 65520, 0x7c00],
    ['-1e6 overflows to -Inf', -1e6, 0xfc00],
    ['2^-14, the smallest normal', 2 ** -14, 0x0400],
    ['2^-24, the smallest subnormal', 2 ** -24, 0x0001],
    ['1023 * 2^-24, the largest subnormal', 1023 * 2 ** -24, 0x03ff],
    ['1023.5 * 2^-24 ties up to the smallest normal (even)', 1023.5 * 2 ** -24, 0x0400],
    ['2^-25 ties to 0 (even)', 2 ** -25, 0x0000],
    ['-2^-25 ties to -0', -(2 ** -25), 0x8000],
    ['3 * 2^-25 (1.5 units) ties to 2', 3 * 2 ** -25, 0x0002],
    ['5 * 2^-25 (2.5 units) ties to 2', 5 * 2 ** -25, 0x0002],
    ['1 + 2^-11 ties to 1 (even)', 1 + 2 ** -11, 0x3c00],
    ['1 + 3 * 2^-11 ties to 1 + 2^-9 (even)', 1 + 3 * 2 ** -11, 0x3c02],
    ['1 + 2^-11 + 2^-23, just above the tie', 1 + 2 ** -11 + 2 ** -23, 0x3c01],
    ['1 + 2^-11 - 2^-23, just below the tie', 1 + 2 ** -11 - 2 ** -23, 0x3c00],
    ['+Inf', Infinity, 0x7c00],
    ['-Inf', -Infinity, 0xfc00],
  ];
  for (const [label, x, expected] of cases) {
    it(label, () => {
      expect(float32ToF16Bits(x)).toBe(expected);
    });
  }

  it('rounds values just above 2^-25 up to the smallest subnormal', () => {
    expect(f32BitsToF16Bits(0x33000001)).toBe(0x0001); // 2^-25 * (1 + 2^-23)
  });

  it('flushes float32 subnormals to signed zero', () => {
    expect(f32BitsToF16Bits(0x00000001)).toBe(0x0000);
    expect(f32BitsToF16Bits(0x807fffff)).toBe(0x8000);
  });

  it('keeps NaN a NaN: sign and top payload bits kept, quiet bit added when needed', () => {
    expect(f32BitsToF16Bits(0x7fc00000)).toBe(0x7e00); // quiet NaN
    expect(f32BitsToF16Bits(0xffc00000)).toBe(0xfe00); // negative quiet NaN
    expect(f32BitsToF16Bits(0x7f800001)).toBe(0x7e00); // payload only in dropped bits
    expect(f32BitsToF16Bits(0x7fa00000)).toBe(0x7d00); // signalling NaN keeps its payload
  });
});

describe('F16 -> float32', () => {
  it('decodes hand-checked patterns exactly', () => {
    expect(f16BitsToFloat32(0x3c00)).toBe(1);
    expect(f16BitsToFloat32(0xc000)).toBe(-2);
    expect(f16BitsToFloat32(0x7bff)).toBe(65504);
    expect(f16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToFloat32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(f16BitsToFloat32(0x0400)).toBe(2 ** -14);
    expect(f16BitsToFloat32(0x2e66)).toBe(0.0999755859375);
    expect(f16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(f16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(Object.is(f16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(Number.isNaN(f16BitsToFloat32(0x7e00))).toBe(true);
    expect(bitsOf(f16BitsToFloat32(0xfe01))).toBe(0xffc02000); // sign and payload kept
  });

  it('round-trips every one of the 65536 bit patterns, NaNs included', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = float32ArrayToF16(f16ArrayToFloat32(all));
    expect(back).toEqual(all);
  });
});

// An independent reference: the nearest F16 value found by searching the sorted F16 values in
// float64 arithmetic (exact here), ties to the even pattern. Slow, but shares nothing with the
// bit-twiddling implementation.
function referenceF16(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  let lo = 0;
  let hi = 0x7bff;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (f16BitsToFloat32(mid) <= a) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0x7bff) return sign | lo;
  const below = a - f16BitsToFloat32(lo);
  const above = f16BitsToFloat32(lo + 1) - a;
  if (below < above) return sign | lo;
  if (above < below) return sign | (lo + 1);
  return sign | (lo % 2 === 0 ? lo : lo + 1);
}

describe('float32 -> F16 against a search-based reference', () => {
  it('agrees on 100k random float32 bit patterns across all exponents', () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const values = new Uint32Array(100_000);
    for (let i = 0; i < values.length; i++) {
      // Exponents 90..150 cover F16 zero, subnormals, normals and overflow; half exactly at ties.
      const exp = 90 + (next() % 61);
      const mant = i % 4 === 0 ? (next() & 0x7fe000) | 0x1000 : next() & 0x7fffff;
      values[i] = ((next() & 1) << 31) | (exp << 23) | mant;
    }
    const ours = float32ArrayToF16(new Float32Array(values.buffer));
    for (let i = 0; i < values.length; i++) {
      const ref = referenceF16(f32Of(values[i]));
      if (ours[i] !== ref) throw new Error(`0x${values[i].toString(16)}: got 0x${ours[i].toString(16)}, reference 0x${ref.toString(16)}`);
    }
  });
});
