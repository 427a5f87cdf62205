import { describe, expect, it } from 'vitest';
import { ByteBuffer } from './byte-buffer';

describe('ByteBuffer', () => {
  it('writes each number little-endian (f64be big-endian) across many regrowths, and copies or views the result', () => {
    const b = new ByteBuffer(16);
    const expected: number[] = [];
    const le = (n: number, set: (d: DataView) => void) => {
      const d = new DataView(new ArrayBuffer(n));
      set(d);
      expected.push(...new Uint8Array(d.buffer));
    };
    for (let i = 0; i < 200; i++) {
      b.u8(i & 0xff)
        .i8(-i % 128)
        .u16(i * 300)
        .i16(-i)
        .u32(i * 70_001)
        .i32(-i * 3)
        .f32(i / 7)
        .f64(-i / 3)
        .f64be(i * 1.5);
      b.u64(BigInt(i) << 40n)
        .i64(-i)
        .bytes(Uint8Array.of(i & 0xff, 7))
        .zeros(3);
      le(1, (d) => d.setUint8(0, i & 0xff));
      le(1, (d) => d.setInt8(0, -i % 128));
      le(2, (d) => d.setUint16(0, i * 300, true));
      le(2, (d) => d.setInt16(0, -i, true));
      le(4, (d) => d.setUint32(0, i * 70_001, true));
      le(4, (d) => d.setInt32(0, -i * 3, true));
      le(4, (d) => d.setFloat32(0, i / 7, true));
      le(8, (d) => d.setFloat64(0, -i / 3, true));
      le(8, (d) => d.setFloat64(0, i * 1.5, false));
      le(8, (d) => d.setBigUint64(0, BigInt(i) << 40n, true));
      le(8, (d) => d.setBigInt64(0, BigInt(-i), true));
      expected.push(i & 0xff, 7, 0, 0, 0);
    }
    expect(b.length).toBe(expected.length);
    expect([...b.copy()]).toEqual(expected);
    const view = b.view();
    expect(view.length).toBe(expected.length);
    b.u8(1);
    expect(b.copy().length).toBe(expected.length + 1);
  });
});
