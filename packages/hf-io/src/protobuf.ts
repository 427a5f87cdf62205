// A minimal protocol-buffers wire-format codec: enough to read and rewrite SentencePiece's
// ModelProto (proto2) without a protobuf library. Follows the encoding spec
// (https://protobuf.dev/programming-guides/encoding/): tags are varints `field << 3 | wire type`;
// wire types 0 (varint), 1 (64-bit), 2 (length-delimited) and 5 (32-bit). Groups (3, 4) are
// deprecated and never used by sentencepiece_model.proto, so they are refused.
// Every field keeps its exact byte range, so a message can be rewritten with unknown fields (and
// fields we do not change) copied byte for byte.

import { ByteBuffer } from './byte-buffer';
import { TinylmError } from '@tinylm/errors';

/** Wire types used by proto2/proto3 messages (groups excluded). */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

/** One field of a message, as found in the bytes. */
export interface RawField {
  /** Field number. */
  field: number;
  /** Wire type (0, 1, 2 or 5). */
  wire: number;
  /** Byte offset of the tag (start of the whole field). */
  start: number;
  /** Byte offset just past the field. */
  end: number;
  /** Offset of the value (for length-delimited fields: after the length prefix). */
  valueStart: number;
  /** End of the value. */
  valueEnd: number;
  /** Low 32 bits of a varint value (wire type 0), as an unsigned number. */
  lo: number;
  /** High 32 bits of a varint value (wire type 0), as an unsigned number. */
  hi: number;
}

/** A malformed message; `offset` is where decoding failed. */
export class ProtobufDecodeError extends TinylmError {
  static override readonly kind: string = 'ProtobufDecodeError';

  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function readVarint(bytes: Uint8Array, pos: number, end: number): { lo: number; hi: number; next: number } {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new ProtobufDecodeError('truncated varint', pos);
    const b = bytes[pos++];
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (7 * i - 32);
    if ((b & 0x80) === 0) {
      // The tenth byte holds bit 63 only; more would not fit in 64 bits.
      if (i === 9 && b > 1) throw new ProtobufDecodeError('varint does not fit in 64 bits', pos - 1);
      return { lo: lo >>> 0, hi: hi >>> 0, next: pos };
    }
  }
  throw new ProtobufDecodeError('varint longer than 10 bytes (the most a 64-bit value takes)', pos);
}

/** Splits `bytes[start, end)` into its fields, in order. Throws `ProtobufDecodeError` when malformed. */
export function readFields(bytes: Uint8Array, start = 0, end = bytes.length): RawField[] {
  const fields: RawField[] = [];
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const tag = readVarint(bytes, pos, end);
    pos = tag.next;
    if (tag.hi !== 0 || tag.lo >>> 3 === 0) throw new ProtobufDecodeError('invalid field tag', fieldStart);
    const field = tag.lo >>> 3;
    const wire = tag.lo & 7;
    let valueStart = pos;
    let lo = 0;
    let hi = 0;
    if (wire === WIRE_VARINT) {
      const v = readVarint(bytes, pos, end);
      lo = v.lo;
      hi = v.hi;
      pos = v.next;
    } else if (wire === WIRE_I64) {
      pos += 8;
    } else if (wire === WIRE_I32) {
      pos += 4;
    } else if (wire === WIRE_LEN) {
      // The claimed length is checked against the bytes that remain before it is used.
      const len = readVarint(bytes, pos, end);
      const left = end - len.next;
      if (len.hi !== 0 || len.lo > left) {
        const claim = len.hi !== 0 ? 'more than 2^32' : String(len.lo);
        throw new ProtobufDecodeError(
          `field ${field} runs past the end of its message: it claims ${claim} bytes, ${left} remain`,
          fieldStart,
        );
      }
      valueStart = len.next;
      pos = len.next + len.lo;
    } else {
      throw new ProtobufDecodeError(`unsupported wire type ${wire} (field ${field})`, fieldStart);
    }
    if (pos > end) throw new ProtobufDecodeError(`field ${field} runs past the end of its message`, fieldStart);
    fields.push({ field, wire, start: fieldStart, end: pos, valueStart, valueEnd: pos, lo, hi });
  }
  return fields;
}

/** The varint value of a field read as proto `int32` (two's complement of the low 32 bits). */
export function int32Of(f: RawField): number {
  return f.lo | 0;
}

/** The varint value of a field read as `bool`. */
export function boolOf(f: RawField): boolean {
  return f.lo !== 0 || f.hi !== 0;
}

/** The 32-bit little-endian value of a field read as `float`. */
export function floatOf(bytes: Uint8Array, f: RawField): number {
  return new DataView(bytes.buffer, bytes.byteOffset + f.valueStart, 4).getFloat32(0, true);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The value of a length-delimited field read as a UTF-8 `string`; throws on invalid UTF-8. */
export function stringOf(bytes: Uint8Array, f: RawField): string {
  try {
    return utf8.decode(bytes.subarray(f.valueStart, f.valueEnd));
  } catch {
    throw new ProtobufDecodeError(`field ${f.field} is not valid UTF-8`, f.valueStart);
  }
}

/** Writes protobuf messages: fields appended in order to a growable buffer. */
export class ProtoWriter extends ByteBuffer {
  /** Appends raw bytes (e.g. a field copied from the input). */
  raw(bytes: Uint8Array): this {
    return this.bytes(bytes);
  }

  /** Appends a non-negative varint below 2^53. */
  varint(value: number): this {
    let v = value;
    while (v >= 0x80) {
      this.u8((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    return this.u8(v);
  }

  /** Appends a tag for `field` with wire type `wire`. */
  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** Appends an `int32` field (negative values take ten bytes, as protobuf writes them). */
  int32Field(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    if (value >= 0) return this.varint(value);
    // Sign-extended to 64 bits: low 32 bits as unsigned, high 32 bits all ones.
    let lo = value >>> 0;
    for (let i = 0; i < 4; i++) {
      this.u8((lo & 0x7f) | 0x80);
      lo >>>= 7;
    }
    // Byte 5 holds 4 low bits and 3 high bits; the rest are ones.
    this.u8((lo & 0x0f) | 0x70 | 0x80);
    for (let i = 0; i < 4; i++) this.u8(0xff);
    return this.u8(0x01);
  }

  /** Appends a length-delimited field holding `bytes`. */
  bytesField(field: number, bytes: Uint8Array): this {
    return this.tag(field, WIRE_LEN).varint(bytes.length).raw(bytes);
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.copy();
  }
}
