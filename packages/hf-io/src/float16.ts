// IEEE 754 binary16 (F16) <-> binary32 conversion, bit-exact.
// Float32 -> F16 rounds to nearest, ties to even (IEEE 754-2019 §4.3.1), produces subnormals
// and signed zeros, overflows to ±Inf, and keeps NaN a NaN (sign and top payload bits kept, the
// quiet bit set only when the kept payload would otherwise be zero). Same results as numpy's
// `astype(np.float16)` for every non-NaN input.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** F16 bit pattern of the binary32 value whose bits are `bits` (an unsigned 32-bit integer). */
export function f32BitsToF16Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) {
    if (mant === 0) return sign | 0x7c00; // ±Inf
    const payload = mant >>> 13;
    return sign | 0x7c00 | (payload === 0 ? 0x200 : payload);
  }
  if (exp > 142) return sign | 0x7c00; // |x| >= 2^16: overflow
  if (exp >= 113) {
    // Normal F16: rebias the exponent (127 -> 15) and round away the low 13 mantissa bits.
    let half = ((exp - 112) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half += 1; // may carry to Inf
    return sign | half;
  }
  // F16 subnormal or zero: the value in units of 2^-24 is (1.mant) * 2^(exp - 126).
  const shift = 126 - exp; // 14..126
  if (shift > 24) return sign; // below half of the smallest subnormal (float32 subnormals too)
  const full = mant | 0x800000;
  let half = full >>> shift;
  const rest = full & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (rest > halfway || (rest === halfway && (half & 1) === 1)) half += 1;
  return sign | half;
}

/** F16 bit pattern nearest to `value` (first rounded to float32, as a Float32Array would). */
export function float32ToF16Bits(value: number): number {
  f32[0] = value;
  return f32BitsToF16Bits(u32[0]);
}

// F16 -> float32 bit patterns for all 65536 inputs (256 KB, built on first use). Kept as
// integers: copying NaNs through a Float32Array as JS numbers may quiet signalling NaNs.
let decodeTable: Uint32Array | undefined;
let decodeFloats: Float32Array | undefined;

function table(): Uint32Array {
  if (decodeTable) return decodeTable;
  const out = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0x1f) {
      out[h] = sign | 0x7f800000 | (mant << 13);
    } else if (exp !== 0) {
      out[h] = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant === 0) {
      out[h] = sign;
    } else {
      // Subnormal F16: normalise into a float32 normal.
      let e = 113;
      let m = mant;
      while ((m & 0x400) === 0) {
        m <<= 1;
        e -= 1;
      }
      out[h] = sign | (e << 23) | ((m & 0x3ff) << 13);
    }
  }
  decodeTable = out;
  decodeFloats = new Float32Array(out.buffer);
  return out;
}

/** The float32 value of an F16 bit pattern (exact: every F16 value is a float32 value). */
export function f16BitsToFloat32(bits: number): number {
  table();
  return (decodeFloats as Float32Array)[bits & 0xffff];
}

/** Converts float32 values to F16 bit patterns, rounding to nearest even. */
export function float32ArrayToF16(values: Float32Array): Uint16Array {
  const src = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = f32BitsToF16Bits(src[i]);
  return out;
}

/** Converts F16 bit patterns to float32 values (exact). */
export function f16ArrayToFloat32(bits: Uint16Array): Float32Array {
  const t = table();
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < out.length; i++) out[i] = t[bits[i]];
  return new Float32Array(out.buffer);
}
