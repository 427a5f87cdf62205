// BatchMatMul on the system BLAS: one cblas_sgemm per batch entry (one call for 2-D, split by
// rows over the thread pool), transposed operands handed to BLAS as they are (no copies), batch
// broadcasting as tfjs-cpu does it (entry i of the output reads entry i % batch of each input).
import { broadcast_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { type BlasBackend, cpuKernel } from '../../blas/backend';
import { unitsOf } from './parts/context';
import { matricesPerUnit, productRowsPerUnit, productUnits } from './parts/matmul';

const kernelFunc: KernelFunc = (args) => {
  const { inputs, attrs } = args;
  const backend = args.backend as BlasBackend;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return cpuKernel('BatchMatMul')(args);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = outerA.reduce((x, y) => x * y, 1);
  const batchB = outerB.reduce((x, y) => x * y, 1);
  const batch = Math.max(batchA, batchB);
  // shapes tfjs-cpu rejects (with its message), or broadcasts other than "one side is a single matrix"
  if (k !== kb || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return cpuKernel('BatchMatMul')(args);
  const outer = broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  // k = 0: no product; the result is zeros
  const out = k > 0 ? backend.allocForWrite(batch * m * n) : backend.alloc(batch * m * n);
  if (m * n > 0 && k > 0) {
    const av = backend.values(a) as Float32Array;
    const bv = backend.values(b) as Float32Array;
    const [lda, ldb] = [transposeA ? m : k, transposeB ? k : n];
    if (batch === 1) {
      const rowsPerUnit = productRowsPerUnit(n, k);
      const work = { transA: transposeA, transB: transposeB, m, n, k, a: av, lda, b: bv, ldb, c: out, ldc: n, rowsPerUnit };
      backend.parallel('sgemmRows', work, productUnits(m, rowsPerUnit));
    } else {
      const perUnit = matricesPerUnit(m, n, k);
      const work = { transA: transposeA, transB: transposeB, m, n, k, a: av, b: bv, c: out, batchA, batchB, perUnit };
      backend.parallel('sgemmBatch', work, unitsOf(batch, perUnit));
    }
  }
  return backend.output([...outer, m, n], out);
};

export const batchMatMulBlasConfig: KernelConfig = { kernelName: 'BatchMatMul', backendName: 'blas', kernelFunc };
