// How the trainer takes an optimizer step: on webgpu, the compiled step (@tinylm/model
// CompiledTrainStep: one submit per step, outcomes a step late); elsewhere, or when asked, the
// per-op tfjs path (computeGradients per micro-batch, gradients averaged, applyGradients). Both
// leave the weights alone on a step whose loss is not finite.
import * as tf from '@tensorflow/tfjs-core';
import type { AdamW } from '@tinylm/kernels';
import {
  applyGradients,
  CompiledTrainStep,
  computeGradients,
  type LlamaModel,
  type MicroBatch,
  type WebGpuStepChoice,
  webgpuStepChoice,
} from '@tinylm/model';

export interface StepOutcome {
  /** Mean loss over the micro-batches. */
  loss: number;
  /** Pre-clip global gradient norm (NaN when the step was not taken). */
  gradNorm: number;
  /** The weights were not updated (non-finite loss or gradient norm). */
  skipped: boolean;
}

export interface StepRunner {
  /** 'compiled webgpu step' or 'tfjs'. */
  readonly kind: string;
  /** Whether the next step may be submitted before this one's outcome is known. */
  readonly pipelined: boolean;
  submit(microBatches: MicroBatch[], lr: number): Promise<StepOutcome>;
  /** Brings the model's variables and the optimizer's state up to date (before eval, scoring, checkpoints). */
  sync(): Promise<void>;
  dispose(): void;
}

export interface StepRunnerOptions {
  batch: number;
  seq: number;
  microBatches: number;
  clip: number;
  webgpuStep?: WebGpuStepChoice;
  /** A one-line notice (the compiled step could not be built here, so the tfjs path is used). */
  warn?: (message: string) => void;
}

export async function createStepRunner(model: LlamaModel, optimizer: AdamW, o: StepRunnerOptions): Promise<StepRunner> {
  if (tf.getBackend() === 'webgpu' && webgpuStepChoice(o.webgpuStep) === 'compiled') {
    try {
      const step = await CompiledTrainStep.create(model, optimizer, {
        batch: o.batch,
        seq: o.seq,
        microBatches: o.microBatches,
        clip: o.clip,
      });
      return {
        kind: 'compiled webgpu step',
        pipelined: true,
        submit: (micro, lr) => step.run(micro, lr),
        sync: () => step.sync(),
        dispose: () => step.dispose(),
      };
    } catch (e) {
      o.warn?.(
        `the compiled webgpu step cannot run here (${e instanceof Error ? e.message : String(e)}); training on the per-op tfjs path`,
      );
    }
  }
  return tfjsRunner(model, optimizer, o);
}

function tfjsRunner(model: LlamaModel, optimizer: AdamW, o: StepRunnerOptions): StepRunner {
  return {
    kind: 'tfjs',
    pipelined: false,
    async submit(micro, lr) {
      let summed: Record<string, tf.Tensor> | undefined;
      let lossSum = 0;
      for (const mb of micro) {
        const ids = tf.tensor2d(mb.ids, [o.batch, o.seq], 'int32');
        const targets = tf.tensor2d(mb.targets, [o.batch, o.seq], 'int32');
        const { loss, grads } = computeGradients(model, ids, targets);
        tf.dispose([ids, targets]);
        lossSum += (await loss.data())[0];
        loss.dispose();
        if (!summed) summed = grads;
        else {
          const next: Record<string, tf.Tensor> = {};
          for (const k of Object.keys(grads)) next[k] = tf.add(summed[k], grads[k]);
          tf.dispose([...Object.values(summed), ...Object.values(grads)]);
          summed = next;
        }
      }
      const loss = lossSum / micro.length;
      if (!Number.isFinite(loss)) {
        tf.dispose(Object.values(summed!));
        return { loss, gradNorm: NaN, skipped: true };
      }
      const grads =
        micro.length === 1 ? summed! : Object.fromEntries(Object.entries(summed!).map(([k, g]) => [k, tf.div(g, micro.length)]));
      if (micro.length > 1) tf.dispose(Object.values(summed!));
      const gradNorm = await applyGradients(model, optimizer, grads, { clip: o.clip, lr });
      return { loss, gradNorm, skipped: false };
    },
    sync: async () => {},
    dispose: () => {},
  };
}
