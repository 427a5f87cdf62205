// One optimisation step of a LlamaModel, in two halves so that a trainer can accumulate
// gradients over micro-batches and check the loss before touching the weights:
//   computeGradients: loss and gradients of one micro-batch (tf.variableGrads);
//   applyGradients:   global-norm clipping, then AdamW (the clip factor is AdamW's gradScale:
//                     no clipped copy of the gradients is made).
// trainStep does both for one batch. Nothing stays allocated between steps.
import * as tf from '@tensorflow/tfjs-core';
import { type AdamW, clipScale, globalNorm } from '@tinylm/kernels';
import type { LlamaModel } from './model';
import { parseOptions } from '@tinylm/errors';
import { trainStepOptions } from './options';

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

export interface Gradients {
  /** Mean loss of the micro-batch (a scalar the caller disposes). */
  loss: tf.Scalar;
  /** Gradient per parameter name. */
  grads: Record<string, tf.Tensor>;
}

/** Loss and gradients of one micro-batch: ids and targets (B, T) int32. */
export function computeGradients(model: LlamaModel, ids: tf.Tensor, targets: tf.Tensor): Gradients {
  const params = model.namedParams();
  const { value, grads } = tf.variableGrads(() => model.loss(ids, targets), Object.values(params));
  const named: Record<string, tf.Tensor> = {};
  for (const [name, p] of Object.entries(params)) named[name] = grads[p.name];
  return { loss: value, grads: named };
}

/** Clips `grads` by global norm and applies AdamW; disposes `grads`. Returns the pre-clip norm. */
export async function applyGradients(
  model: LlamaModel,
  optimizer: AdamW,
  grads: Record<string, tf.Tensor>,
  options: TrainStepOptions = {},
): Promise<number> {
  options = parseOptions(trainStepOptions, options, 'applyGradients');
  const clip = options.clip ?? 1.0;
  const norm = globalNorm(grads);
  const scale = clip > 0 && clip < Infinity ? clipScale(norm, clip) : undefined;
  optimizer.apply(model.namedParams(), grads, options.lr, scale);
  const gradNorm = (await norm.data())[0];
  tf.dispose([norm, ...(scale ? [scale] : []), ...Object.values(grads)]);
  return gradNorm;
}

/** computeGradients + applyGradients for one batch. */
export async function trainStep(
  model: LlamaModel,
  optimizer: AdamW,
  ids: tf.Tensor, // (B, T) int32
  targets: tf.Tensor, // (B, T) int32
  options: TrainStepOptions = {},
): Promise<TrainStepResult> {
  options = parseOptions(trainStepOptions, options, 'trainStep');
  const { loss, grads } = computeGradients(model, ids, targets);
  const gradNorm = await applyGradients(model, optimizer, grads, options);
  const value = (await loss.data())[0];
  loss.dispose();
  return { loss: value, gradNorm };
}
