// The blas backend's array reuse: released arrays come back zeroed (unless asked not to), arrays
// the user read or that another tensor views are never reused, shared and plain arrays are never
// mixed, and an allocation that cannot succeed is a MemoryError naming the size and what to reduce.
import { describe, expect, it } from 'vitest';
import { MemoryError } from '../errors';
import { BufferPool, isShared } from './buffer-pool';

describe('BufferPool', () => {
  it('reuses a released array of the same length, zeroed', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.take(16);
    pool.onWrite(a);
    a.fill(3);
    pool.onRelease(a);
    const b = pool.take(16);
    expect(b).toBe(a);
    expect(Array.from(b)).toEqual(new Array(16).fill(0));
    expect(pool.take(16)).not.toBe(a);
  });

  it('never reuses an array that was read, stored twice, viewed by another tensor, or not its own', () => {
    const pool = new BufferPool(1 << 20);
    const cases: [string, (a: Float32Array) => void][] = [
      ['read by the user', (a) => pool.onRead(a)],
      ['behind a second tensor', (a) => pool.onWrite(a)],
      ['viewed by a slice', (a) => pool.onWrite(a.subarray(2, 5))],
    ];
    for (const [what, escapeFrom] of cases) {
      const a = pool.take(8);
      pool.onWrite(a);
      escapeFrom(a);
      pool.onRelease(a);
      expect(pool.take(8), what).not.toBe(a);
    }
    const foreign = new Float32Array(8);
    pool.onWrite(foreign);
    pool.onRelease(foreign);
    expect(pool.take(8)).not.toBe(foreign);
  });

  it('allocates shared memory while a thread pool runs, never hands back the other kind, and skips zeroing on request', () => {
    let shared = false;
    const pool = new BufferPool(1 << 20, () => shared);
    const plain = pool.take(16);
    expect(isShared(plain)).toBe(false);
    pool.onWrite(plain);
    pool.onRelease(plain);
    shared = true;
    const a = pool.take(16);
    expect(a).not.toBe(plain);
    expect(isShared(a)).toBe(true);
    pool.onWrite(a);
    a.fill(7);
    pool.onRelease(a);
    const b = pool.take(16, false);
    expect(b).toBe(a);
    expect(b[0]).toBe(7);
    pool.onWrite(b);
    pool.onRelease(b);
    shared = false;
    expect(pool.take(16)).not.toBe(a);
  });

  it('keeps no more than its cap', () => {
    const pool = new BufferPool(64);
    const [a, b] = [pool.take(16), pool.take(16)];
    for (const x of [a, b]) pool.onWrite(x);
    pool.onRelease(a);
    pool.onRelease(b); // over the 64-byte cap: dropped
    expect(pool.take(16)).toBe(a);
    expect(pool.take(16)).not.toBe(b);
  });

  it('an impossible allocation is a MemoryError with the tensor size and what to reduce', () => {
    const pool = new BufferPool(1 << 20);
    const err = (() => {
      try {
        pool.take(2 ** 40);
      } catch (e) {
        return e;
      }
    })();
    expect(MemoryError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(
      /^out of memory allocating a float32 tensor of 1,099,511,627,776 entries \(4194304\.0 MiB\) .*reduce the batch size, the sequence length or the model$/,
    );
  });
});
