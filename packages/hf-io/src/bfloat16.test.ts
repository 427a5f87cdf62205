// float32 <-> BF16: hand-checked bit patterns (ties to even, subnormals, Inf, NaN), an exhaustive
// round trip, and a float64 nearest-even reference.

import { describe, expect, it } from 'vitest';
import { bf16ArrayToFloat32, bf16BitsToFloat32, f32BitsToBf16Bits, float32ArrayToBf16, float32ToBf16Bits } from './bfloat16';

const f32Of = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0];

describe('float32 -> BF16 (hand-checked bit patterns)', () => {
  const cases: [string, number, number][] = [
    ['+0', 0x00000000, 0x0000],
    ['-0', 0x80000000, 0x8000],
    ['1', 0x3f800000, 0x3f80],
    ['-1', 0xbf800000, 0xbf80],
    ['pi (0x40490fdb) rounds down', 0x40490fdb, 0x4049],
    ['1 + 2^-8: tie, kept bit even -> down', 0x3f808000, 0x3f80],
    ['1 + 3 * 2^-8: tie, kept bit odd -> up', 0x3f818000, 0x3f82],
    ['just above the tie rounds up', 0x3f808001, 0x3f81],
    ['just below the tie rounds down', 0x3f807fff, 0x3f80],
    ['largest float32 rounds up to +Inf', 0x7f7fffff, 0x7f80],
    ['largest finite BF16 stays', 0x7f7f7fff, 0x7f7f],
    ['tie at the top (odd) rounds to Inf', 0x7f7f8000, 0x7f80],
    ['subnormal tie, even -> 0', 0x00008000, 0x0000],
    ['subnormal tie, odd -> up', 0x00018000, 0x0002],
    ['subnormal above the tie', 0x00008001, 0x0001],
    ['+Inf', 0x7f800000, 0x7f80],
    ['-Inf', 0xff800000, 0xff80],
    ['quiet NaN', 0x7fc00000, 0x7fc0],
    ['negative quiet NaN', 0xffc00000, 0xffc0],
    ['NaN with payload only in dropped bits becomes a quiet NaN, not Inf', 0x7f800001, 0x7fc0],
    ['NaN 0x7f80ffff likewise', 0x7f80ffff, 0x7fc0],
    ['signalling NaN keeps its kept payload', 0x7fa00000, 0x7fa0],
  ];
  for (const [label, bits, expected] of cases) {
    it(label, () => {
      expect(f32BitsToBf16Bits(bits)).toBe(expected);
      expect(float32ArrayToBf16(new Float32Array(new Uint32Array([bits]).buffer))[0]).toBe(expected);
    });
  }

  it('float32ToBf16Bits takes numbers', () => {
    expect(float32ToBf16Bits(1)).toBe(0x3f80);
    expect(float32ToBf16Bits(-Infinity)).toBe(0xff80);
    expect(float32ToBf16Bits(NaN) & 0x7fc0).toBe(0x7fc0);
  });
});

describe('BF16 -> float32', () => {
  it('decodes hand-checked patterns exactly', () => {
    expect(bf16BitsToFloat32(0x3f80)).toBe(1);
    expect(bf16BitsToFloat32(0xc040)).toBe(-3);
    expect(bf16BitsToFloat32(0x0001)).toBe(2 ** -133);
    expect(bf16BitsToFloat32(0x7f7f)).toBe(f32Of(0x7f7f0000));
    expect(bf16BitsToFloat32(0xff80)).toBe(-Infinity);
    expect(Object.is(bf16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(Number.isNaN(bf16BitsToFloat32(0x7fc0))).toBe(true);
  });

  it('round-trips every one of the 65536 bit patterns, NaNs included', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    expect(float32ArrayToBf16(bf16ArrayToFloat32(all))).toEqual(all);
  });

  it('agrees with a float64 nearest-even reference on 100k random patterns', () => {
    let seed = 99;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 100_000; i++) {
      const bits = i % 3 === 0 ? ((next() & 0xffff0000) | 0x8000) >>> 0 : next();
      const x = f32Of(bits);
      if (Number.isNaN(x)) continue;
      const lo = bits >>> 16;
      const a = bf16BitsToFloat32(lo);
      const b = bf16BitsToFloat32(lo + 1); // the next pattern away from zero (may be Inf)
      const da = Math.abs(x - a);
      const db = Number.isFinite(b) ? Math.abs(b - x) : Math.abs(2 ** 128 - Math.abs(x));
      const ref = da < db ? lo : db < da ? lo + 1 : lo % 2 === 0 ? lo : lo + 1;
      if (f32BitsToBf16Bits(bits) !== ref) throw new Error(`0x${bits.toString(16)}: got ${f32BitsToBf16Bits(bits)}, reference ${ref}`);
    }
  });
});
