// The protobuf wire codec SentencePiece models are read and rewritten with: varints, negative
// int32 as protobuf writes them, length-delimited fields, and truncated input refused.

import { describe, expect, it } from 'vitest';
import { ProtoWriter, readFields, WIRE_LEN, WIRE_VARINT } from './protobuf';

describe('protobuf wire codec', () => {
  it('writes and reads varints, negative int32 (ten bytes, as protobuf does) and length-delimited fields', () => {
    const w = new ProtoWriter()
      .int32Field(4, 300)
      .int32Field(43, -1)
      .int32Field(7, -123456)
      .bytesField(9, new Uint8Array([1, 2, 3]));
    const bytes = w.finish();
    const fields = readFields(bytes);
    expect(fields.map((f) => [f.field, f.wire])).toEqual([
      [4, WIRE_VARINT],
      [43, WIRE_VARINT],
      [7, WIRE_VARINT],
      [9, WIRE_LEN],
    ]);
    expect(fields[0].lo).toBe(300);
    expect(fields[1].lo | 0).toBe(-1);
    expect(fields[1].end - fields[1].valueStart).toBe(10);
    expect(fields[2].lo | 0).toBe(-123456);
    expect([...bytes.subarray(fields[3].valueStart, fields[3].valueEnd)]).toEqual([1, 2, 3]);
  });

  it('rejects truncated messages', () => {
    const bytes = new ProtoWriter().bytesField(1, new Uint8Array(20)).finish();
    expect(() => readFields(bytes.subarray(0, 10))).toThrow(/runs past the end/);
    expect(() => readFields(new Uint8Array([0x08, 0x80]))).toThrow(/truncated varint/);
  });
});
