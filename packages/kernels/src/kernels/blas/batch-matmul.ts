// BatchMatMul on the system BLAS: one cblas_sgemm per batch entry (one call for 2-D), transposed
// operands handed to BLAS as they are (no copies), batch broadcasting as tfjs-cpu does it
// (entry i of the output reads entry i % batch of each input).
import { broadcast_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { type BlasBackend, cpuKernel } from '../../blas/backend';

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
  const out = backend.alloc(batch * m * n);
  if (m * n > 0 && k > 0) {
    const av = backend.values(a) as Float32Array;
    const bv = backend.values(b) as Float32Array;
    const [lda, ldb] = [transposeA ? m : k, transposeB ? k : n];
    const sgemm = backend.blas.sgemm;
    if (batch === 1) sgemm(transposeA, transposeB, m, n, k, 1, av, lda, bv, ldb, 0, out, n);
    else {
      for (let i = 0; i < batch; i++) {
        const ai = (batchA === 1 ? 0 : i) * m * k;
        const bi = (batchB === 1 ? 0 : i) * k * n;
        sgemm(transposeA, transposeB, m, n, k, 1, av.subarray(ai, ai + m * k), lda, bv.subarray(bi, bi + k * n), ldb, 0, out.subarray(i * m * n, (i + 1) * m * n), n);
      }
    }
  }
  return backend.output([...outer, m, n], out);
};

export const batchMatMulBlasConfig: KernelConfig = { kernelName: 'BatchMatMul', backendName: 'blas', kernelFunc };
