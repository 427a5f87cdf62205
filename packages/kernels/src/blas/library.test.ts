// Loading the system BLAS: the library found here multiplies correctly (against a float64 product,
// transposed operands and leading dimensions included); libraries that are missing, not a
// library, or without cblas_sgemm give one line naming the file and what is wrong.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gate } from '../../../../tooling/test-env';
import { loadBlas, openBlasLibrary } from './library';

const lib = await loadBlas();
const present = gate('blas', typeof lib !== 'string', typeof lib === 'string' ? lib : '');

describe('BLAS library', () => {
  it.runIf(present)('sgemm with every transpose combination and padded leading dimensions equals a float64 product', () => {
    if (typeof lib === 'string') return;
    const [m, n, k] = [5, 3, 4];
    const rnd = (len: number, seed: number) => Float32Array.from({ length: len }, (_, i) => Math.sin(seed * 97 + i * 1.3));
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const [ra, ca] = ta ? [k, m] : [m, k];
      const [rb, cb] = tb ? [n, k] : [k, n];
      const [lda, ldb, ldc] = [ca + 2, cb + 1, n + 3]; // rows padded: strided views as attention uses them
      const a = rnd(ra * lda, 1);
      const b = rnd(rb * ldb, 2);
      const c = new Float32Array(m * ldc).fill(7);
      lib.sgemm(ta, tb, m, n, k, 0.5, a, lda, b, ldb, 1, c, ldc);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let want = 7;
          for (let p = 0; p < k; p++) want += 0.5 * (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
          expect(Math.abs(c[i * ldc + j] - want), `ta=${ta} tb=${tb} (${i}, ${j})`).toBeLessThan(1e-5);
        }
        for (let j = n; j < ldc; j++) expect(c[i * ldc + j], 'padding untouched').toBe(7);
      }
    }
  });

  it('a missing file, a file that is not a library and a library without cblas_sgemm are refused with the reason', async () => {
    expect(await openBlasLibrary('/nonexistent/libopenblas.so.0')).toMatch(/^cannot load \/nonexistent\/libopenblas.so.0: /);
    const junk = join(tmpdir(), `tinylm-not-a-library-${process.pid}.so`);
    writeFileSync(junk, 'not an ELF file');
    expect(await openBlasLibrary(junk)).toMatch(new RegExp(`^cannot load ${junk}: `));
    if (process.platform === 'linux')
      expect(await openBlasLibrary('libm.so.6')).toBe('libm.so.6 has no cblas_sgemm or cblas_scopy (a BLAS without the CBLAS interface)');
  });
});
