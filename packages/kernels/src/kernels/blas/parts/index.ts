// Every part a blas kernel can hand to the thread pool, by name: the same table on the calling
// thread and in the workers (src/blas/pool-worker.ts), so a task is its name and its arguments.
import { attentionBwd, attentionFwd } from './attention';
import type { Part, PartContext } from './context';
import { adamw, binary, binaryScalar, sumSquares, swigluBwd, swigluFwd } from './elementwise';
import { sgemmBatch, sgemmRows } from './matmul';
import { rmsNormBwd, rmsNormFwd, rotary, xentBwd, xentFwd } from './rows';

export const PARTS = Object.freeze({
  sgemmRows,
  sgemmBatch,
  attentionFwd,
  attentionBwd,
  swigluFwd,
  swigluBwd,
  binary,
  binaryScalar,
  adamw,
  sumSquares,
  rmsNormFwd,
  rmsNormBwd,
  rotary,
  xentFwd,
  xentBwd,
});

export type PartName = keyof typeof PARTS;

/** The argument type of part `N`. */
export type PartArgs<N extends PartName> = (typeof PARTS)[N] extends Part<infer A> ? A : never;

/** Runs units [from, to) of part `name` on this thread. */
export function runPart<N extends PartName>(name: N, ctx: PartContext, args: PartArgs<N>, from: number, to: number): void {
  const part = PARTS[name] as Part<PartArgs<N>> | undefined;
  if (!part) throw new Error(`tinylm blas: no kernel part named "${String(name)}"`);
  part(ctx, args, from, to);
}
