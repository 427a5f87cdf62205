// Add, Sub and Multiply for the blas backend where both operands have one shape, or one is a single
// value: the wasm SIMD loop (parts/elementwise.ts). tfjs-cpu's kernels walk every element through
// index arithmetic (~8 ms for each (1024, 256) residual add of a bench-5m step); other broadcasts
// stay on them.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type BlasBackend, cpuKernel } from '../../blas/backend';
import { ELEMENTS_PER_UNIT, unitsOf } from './parts/context';

const OPS = ['Add', 'Sub', 'Multiply'] as const; // tfjs kernel names; codes 0, 1, 2 of simd binary()
type Op = (typeof OPS)[number];
const SUB_FROM_SCALAR = 3;

const sizeOf = (t: TensorInfo) => t.shape.reduce((p, q) => p * q, 1);

function binary(op: Op): KernelFunc {
  const code = OPS.indexOf(op);
  return (args) => {
    const backend = args.backend as BlasBackend;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return cpuKernel(op)(args);
    const [av, bv] = [a, b].map((t) => backend.values(t) as Float32Array);
    if (a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i])) {
      const y = backend.allocForWrite(av.length);
      backend.parallel('binary', { op: code, a: av, b: bv, y }, unitsOf(av.length, ELEMENTS_PER_UNIT));
      return backend.output(a.shape, y);
    }
    // a single value against a tensor of at least its rank: the result has the tensor's shape
    const [tensor, value, valueFirst] =
      sizeOf(b) === 1 && b.shape.length <= a.shape.length
        ? [a, bv[0], false]
        : sizeOf(a) === 1 && a.shape.length <= b.shape.length
          ? [b, av[0], true]
          : [];
    if (!tensor) return cpuKernel(op)(args);
    const x = backend.values(tensor) as Float32Array;
    const y = backend.allocForWrite(x.length);
    const sc = valueFirst && op === 'Sub' ? SUB_FROM_SCALAR : code;
    backend.parallel('binaryScalar', { op: sc, x, value: value as number, y }, unitsOf(x.length, ELEMENTS_PER_UNIT));
    return backend.output(tensor.shape, y);
  };
}

export const binaryBlasConfigs: KernelConfig[] = OPS.map((op) => ({ kernelName: op, backendName: 'blas', kernelFunc: binary(op) }));
