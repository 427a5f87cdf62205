// One optimisation step of a LlamaModel: loss and gradients (tf.variableGrads), global-norm
// clipping, AdamW. Returns the loss and the pre-clip gradient norm as numbers. The trainer and
// the benchmark share it; nothing is left allocated between steps.
import * as tf from '@tensorflow/tfjs-core';
import { type AdamW, clipGradNorm } from '@tinylm/kernels';
import type { LlamaModel } from './model';

export interface TrainStepOptions {
  /** Global gradient-norm clip; default 1.0 (the paper's config). 0 or Infinity: no clipping. */
  clip?: number;
  /** Learning rate for this step (schedules); default the optimizer's. */
  lr?: number;
}

export interface TrainStepResult {
  loss: number;
  gradNorm: number;
}

export async function trainStep(
  model: LlamaModel,
  optimizer: AdamW,
  ids: tf.Tensor, // (B, T) int32
  targets: tf.Tensor, // (B, T) int32
  options: TrainStepOptions = {},
): Promise<TrainStepResult> {
  const params = model.namedParams();
  const { value, grads } = tf.variableGrads(() => model.loss(ids, targets), Object.values(params));
  const named: Record<string, tf.Tensor> = {};
  for (const [name, p] of Object.entries(params)) named[name] = grads[p.name];
  const clip = options.clip ?? 1.0;
  const { grads: clipped, norm } = clipGradNorm(named, clip > 0 ? clip : Infinity);
  optimizer.apply(params, clipped, options.lr);
  const [loss, gradNorm] = await Promise.all([value.data(), norm.data()]);
  tf.dispose([value, norm, ...Object.values(grads), ...Object.values(clipped)]);
  return { loss: loss[0], gradNorm: gradNorm[0] };
}
