// Names of the kernels tinylm registers with tfjs (custom ops, dispatched with engine().runKernel).

/** Forward: inputs {logits (N, V) f32, targets (N) i32}, attr ignoreIndex -> [loss (N), lse (N)]. */
export const SPARSE_XENT = 'TinylmSparseXent';
/** Backward: inputs {logits, targets, lse, dy (N)}, attr ignoreIndex -> dlogits (N, V). */
export const SPARSE_XENT_GRAD = 'TinylmSparseXentGrad';

export interface SparseXentAttrs {
  ignoreIndex: number;
}
