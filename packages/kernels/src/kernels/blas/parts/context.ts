// What a part of a blas kernel sees: the work of one kernel call over a range of its units
// (element blocks, row blocks, attention heads), run on the calling thread or on a worker of the
// backend's thread pool (src/blas/thread-pool.ts). A unit's result never depends on which thread
// runs it or on how the units were split, so a step gives the same bits on any thread count.
import type { BlasLibrary } from '../../../blas/library';
import type { Simd } from '../../simd/simd';

export interface PartContext {
  /** This thread's instance of the SIMD kernels. */
  simd: Simd;
  /** This thread's handle on the BLAS (single-threaded when the pool splits the work). */
  blas: BlasLibrary;
}

/** Runs units [from, to) of one kernel call; `args` holds typed arrays and plain values only. */
export type Part<A> = (ctx: PartContext, args: A, from: number, to: number) => void;

/** Elements in a unit of an elementwise kernel: ~30-50 us of work, worth handing to a thread. */
export const ELEMENTS_PER_UNIT = 32768;

/** Units covering `n` items, `per` to a unit. */
export function unitsOf(n: number, per: number): number {
  return Math.ceil(n / per);
}

/** Rows in a unit of a row kernel over rows of `width` entries. */
export function rowsPerUnit(width: number): number {
  return Math.max(1, Math.floor(ELEMENTS_PER_UNIT / width));
}

/** Items [start, end) of units [from, to), `per` items to a unit, `n` in all. */
export function itemsOf(from: number, to: number, per: number, n: number): [number, number] {
  return [Math.min(from * per, n), Math.min(to * per, n)];
}
