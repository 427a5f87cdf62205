// TinylmAdamW (one parameter's AdamW step, the clip factor folded in) and TinylmSumSquares (the
// squared global gradient norm in one pass over every gradient) for the blas backend
// (parts/elementwise.ts). The norm adds per-unit partial sums in unit order.
// AdamW overwrites the parameter and its moments in place when nothing else can see them (the
// variables are about to take the outputs anyway): the step is memory-bound, and writing fresh
// arrays costs a third more memory traffic than updating the cache lines it just read.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasBackend } from '../../blas/backend';
import { ADAMW_STEP, type AdamWStepAttrs, SUM_SQUARES } from '../names';
import { ELEMENTS_PER_UNIT, unitsOf } from './parts/context';
import { unitStarts } from './parts/elementwise';

const adamw: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const { param, grad, m, v, gradScale } = args.inputs as Record<string, TensorInfo>;
  const a = args.attrs as unknown as AdamWStepAttrs;
  const val = (t: TensorInfo) => backend.values(t) as Float32Array;
  const n = val(param).length;
  const inPlace = [param, m, v].every((t) => backend.writableInPlace(t));
  const [pOut, mOut, vOut] = inPlace
    ? [val(param), val(m), val(v)]
    : [backend.allocForWrite(n), backend.allocForWrite(n), backend.allocForWrite(n)];
  const work = {
    p: val(param),
    g: val(grad),
    m: val(m),
    v: val(v),
    pOut,
    mOut,
    vOut,
    scale: val(gradScale)[0],
    beta1: a.beta1,
    beta2: a.beta2,
    eps: a.eps,
    keep: 1 - a.decay,
    step: a.lr / a.bc1,
    rootBc2: Math.sqrt(a.bc2),
  };
  backend.parallel('adamw', work, unitsOf(n, ELEMENTS_PER_UNIT));
  if (inPlace) return [param, m, v].map((t) => backend.sameAs(t));
  return [backend.output(param.shape, pOut), backend.output(param.shape, mOut), backend.output(param.shape, vOut)];
};

const sumSquares: KernelFunc = (args) => {
  const backend = args.backend as BlasBackend;
  const xs = (Object.values(args.inputs) as TensorInfo[]).map((t) => backend.values(t) as Float32Array);
  const firstUnit = unitStarts(xs);
  const units = firstUnit[firstUnit.length - 1];
  const partials = backend.scratch(Float64Array, units);
  backend.parallel('sumSquares', { xs, firstUnit, partials }, units);
  let total = 0;
  for (const p of partials) total += p;
  return backend.output([], Float32Array.of(total));
};

export const adamwBlasConfigs: KernelConfig[] = [
  { kernelName: ADAMW_STEP, backendName: 'blas', kernelFunc: adamw },
  { kernelName: SUM_SQUARES, backendName: 'blas', kernelFunc: sumSquares },
];
