// bfloat16 (BF16, the top 16 bits of an IEEE binary32) <-> binary32 conversion, bit-exact.
// Float32 -> BF16 rounds to nearest, ties to even, like PyTorch's c10::BFloat16
// `round_to_nearest_even` (c10/util/BFloat16.h): subnormals round like any other value, overflow
// goes to ±Inf, and NaN stays NaN (sign and top payload bits kept, quiet bit set only when the
// kept payload would be zero; PyTorch writes the canonical 0x7FC0 instead).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** BF16 bit pattern of the binary32 value whose bits are `bits` (an unsigned 32-bit integer). */
export function f32BitsToBf16Bits(bits: number): number {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
    const top = bits >>> 16;
    return (top & 0x7f) === 0 ? top | 0x40 : top;
  }
  // Adding 0x7FFF plus the lowest kept bit rounds to nearest even; the largest non-NaN input
  // (0xFF7FFFFF) plus 0x8000 stays below 2^32, so this never wraps.
  return (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
}

/** BF16 bit pattern nearest to `value` (first rounded to float32, as a Float32Array would). */
export function float32ToBf16Bits(value: number): number {
  f32[0] = value;
  return f32BitsToBf16Bits(u32[0]);
}

/** The float32 value of a BF16 bit pattern (exact). */
export function bf16BitsToFloat32(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/** Converts float32 values to BF16 bit patterns, rounding to nearest even. */
export function float32ArrayToBf16(values: Float32Array): Uint16Array {
  const src = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = f32BitsToBf16Bits(src[i]);
  return out;
}

/** Converts BF16 bit patterns to float32 values (exact). */
export function bf16ArrayToFloat32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < out.length; i++) out[i] = bits[i] << 16;
  return new Float32Array(out.buffer);
}
