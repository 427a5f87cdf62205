// The one growable byte buffer under tinylm's binary writers (protobuf messages here, GGUF files
// and pickles in convert2hf): appends little-endian numbers and bytes, doubling its storage as it
// fills. Not for large payloads: those are streamed to files by the writers themselves.

/** A growable buffer of bytes written in order; numbers are little-endian unless named otherwise. */
export class ByteBuffer {
  private buf: Uint8Array;
  private dv: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(initialSize = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialSize));
    this.dv = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes and returns the offset they start at (`length` advances by n). */
  private take(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < at + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.dv = new DataView(next.buffer);
    }
    this.length = at + n;
    return at;
  }

  // Each write takes its offset first: take() may replace buf and dv.
  u8(v: number): this {
    const at = this.take(1);
    this.buf[at] = v;
    return this;
  }
  i8(v: number): this {
    const at = this.take(1);
    this.dv.setInt8(at, v);
    return this;
  }
  u16(v: number): this {
    const at = this.take(2);
    this.dv.setUint16(at, v, true);
    return this;
  }
  i16(v: number): this {
    const at = this.take(2);
    this.dv.setInt16(at, v, true);
    return this;
  }
  u32(v: number): this {
    const at = this.take(4);
    this.dv.setUint32(at, v, true);
    return this;
  }
  i32(v: number): this {
    const at = this.take(4);
    this.dv.setInt32(at, v, true);
    return this;
  }
  f32(v: number): this {
    const at = this.take(4);
    this.dv.setFloat32(at, v, true);
    return this;
  }
  f64(v: number): this {
    const at = this.take(8);
    this.dv.setFloat64(at, v, true);
    return this;
  }
  /** A big-endian float64 (pickle's BINFLOAT). */
  f64be(v: number): this {
    const at = this.take(8);
    this.dv.setFloat64(at, v, false);
    return this;
  }
  u64(v: number | bigint): this {
    const at = this.take(8);
    this.dv.setBigUint64(at, BigInt(v), true);
    return this;
  }
  i64(v: number | bigint): this {
    const at = this.take(8);
    this.dv.setBigInt64(at, BigInt(v), true);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.take(b.length);
    this.buf.set(b, at);
    return this;
  }
  zeros(n: number): this {
    const at = this.take(n);
    this.buf.fill(0, at, at + n);
    return this;
  }

  /** The bytes written so far, without copying (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
  /** A copy of the bytes written so far. */
  copy(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
