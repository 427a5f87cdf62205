// Parts of BatchMatMul on the blas backend: a product split by rows of C (each thread one
// single-threaded sgemm over its rows; a row of C comes out the same bits however the rows are
// split, as long as every piece is big enough for the BLAS's blocked kernel, not a small-matrix
// one: units have at least MACS_PER_UNIT multiply-adds), or a batch split by matrices.
import { itemsOf, type Part } from './context';

export interface SgemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  lda: number;
  b: Float32Array;
  ldb: number;
  c: Float32Array;
  ldc: number;
  /** Rows of C in a unit. */
  rowsPerUnit: number;
}

/** Multiply-adds in a unit of a product: ~50 us on one core, worth handing to a thread. */
const MACS_PER_UNIT = 1 << 22;

/** Rows of C per unit for an (m x k) by (k x n) product. */
export const productRowsPerUnit = (n: number, k: number) => Math.max(1, Math.ceil(MACS_PER_UNIT / Math.max(1, n * k)));

/** Units of m rows: whole units only, the last one taking the remainder (so none is small). */
export const productUnits = (m: number, rowsPerUnit: number) => Math.max(1, Math.floor(m / rowsPerUnit));

export const sgemmRows: Part<SgemmArgs> = ({ blas }, a, from, to) => {
  const i0 = from * a.rowsPerUnit;
  const i1 = to === productUnits(a.m, a.rowsPerUnit) ? a.m : to * a.rowsPerUnit;
  if (i1 <= i0) return;
  // row i of op(A) starts at row i of A, or at column i when A is transposed
  const aAt = a.transA ? i0 : i0 * a.lda;
  blas.sgemm(a.transA, a.transB, i1 - i0, a.n, a.k, 1, a.a.subarray(aAt), a.lda, a.b, a.ldb, 0, a.c.subarray(i0 * a.ldc), a.ldc);
};

/** Entry i of C reads entry i of each input, or entry 0 of one with a single matrix. */
export interface SgemmBatchArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  batchA: number;
  batchB: number;
  /** Matrices in a unit. */
  perUnit: number;
}

export const sgemmBatch: Part<SgemmBatchArgs> = ({ blas }, { transA, transB, m, n, k, a, b, c, batchA, batchB, perUnit }, from, to) => {
  const [lda, ldb] = [transA ? m : k, transB ? k : n];
  const [first, end] = itemsOf(from, to, perUnit, Math.max(batchA, batchB));
  for (let i = first; i < end; i++) {
    const ai = (batchA === 1 ? 0 : i) * m * k;
    const bi = (batchB === 1 ? 0 : i) * k * n;
    blas.sgemm(
      transA,
      transB,
      m,
      n,
      k,
      1,
      a.subarray(ai, ai + m * k),
      lda,
      b.subarray(bi, bi + k * n),
      ldb,
      0,
      c.subarray(i * m * n, (i + 1) * m * n),
      n,
    );
  }
};

/** Matrices per unit of a batch of (m x k) by (k x n) products. */
export const matricesPerUnit = (m: number, n: number, k: number) => Math.max(1, Math.ceil(MACS_PER_UNIT / Math.max(1, m * n * k)));
