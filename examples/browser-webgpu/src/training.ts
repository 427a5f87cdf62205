// Training and sampling the byte-level tiny LLaMA: random windows of the bundled text as batches,
// AdamW through @tinylm/model's compiled WebGPU step (CompiledTrainStep: one submit a step), or
// its per-op trainStep where the compiled step cannot run; generation with the KV cache. No DOM here.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW } from '@tinylm/kernels';
import { CompiledTrainStep, generate, type LlamaModel, type MicroBatch, seededRandom, trainStep } from '@tinylm/model';
import { decodeIds, encodeText } from './byte-tokenizer';

export interface TrainSettings {
  /** Sequences per step. */
  batch: number;
  /** Tokens (bytes) per sequence. */
  seq: number;
  /** Optimizer steps per press of Train. */
  steps: number;
  lr: number;
}

export interface StepReport {
  step: number;
  loss: number;
  /** This step's tokens over its wall time (includes reading the loss back). */
  tokensPerSecond: number;
}

/** A batch of random windows of `text`: ids (B, T) and next-byte targets (B, T), row-major. */
export function sampleBatch(text: Uint8Array, batch: number, seq: number, random: () => number): MicroBatch {
  const ids = new Int32Array(batch * seq);
  const targets = new Int32Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    const start = Math.floor(random() * (text.length - seq - 1));
    for (let t = 0; t < seq; t++) {
      ids[b * seq + t] = text[start + t];
      targets[b * seq + t] = text[start + t + 1];
    }
  }
  return { ids, targets };
}

/** A model, its optimizer and the step count, trained a few steps at a time. */
export class TrainingRun {
  model: LlamaModel;
  private optimizer: AdamW;
  private readonly random: () => number;
  /** The compiled step once built; null where it cannot run (then trainStep). */
  private compiled: CompiledTrainStep | null | undefined;
  step = 0;

  constructor(
    model: LlamaModel,
    private readonly text: Uint8Array,
    private readonly settings: TrainSettings,
    seed = 1,
  ) {
    this.model = model;
    this.optimizer = new AdamW({ lr: settings.lr, weightDecay: 0.1 });
    this.random = seededRandom(seed);
  }

  /** Runs `settings.steps` steps, reporting each; `stop()` returning true ends early. */
  async train(onStep: (r: StepReport) => void | Promise<void>, stop: () => boolean = () => false): Promise<void> {
    const { batch, seq, steps } = this.settings;
    const compiled = await this.compiledStep();
    for (let i = 0; i < steps && !stop(); i++) {
      const t0 = performance.now();
      const mb = sampleBatch(this.text, batch, seq, this.random);
      let loss: number;
      if (compiled) loss = (await compiled.run([mb])).loss;
      else {
        const ids = tf.tensor2d(mb.ids, [batch, seq], 'int32');
        const targets = tf.tensor2d(mb.targets, [batch, seq], 'int32');
        loss = (await trainStep(this.model, this.optimizer, ids, targets)).loss;
        tf.dispose([ids, targets]);
      }
      this.step += 1;
      await onStep({ step: this.step, loss, tokensPerSecond: (batch * seq) / ((performance.now() - t0) / 1000) });
    }
    await compiled?.sync(); // the model's variables hold the trained weights (generate, download)
  }

  /** 'compiled webgpu step' or 'tfjs' once training has started. */
  get stepPath(): string {
    return this.compiled ? 'compiled webgpu step' : 'tfjs';
  }

  private async compiledStep(): Promise<CompiledTrainStep | null> {
    if (this.compiled !== undefined) return this.compiled;
    this.compiled = null;
    if (tf.getBackend() !== 'webgpu') return null;
    try {
      this.compiled = await CompiledTrainStep.create(this.model, this.optimizer, { batch: this.settings.batch, seq: this.settings.seq });
    } catch (e) {
      console.warn(
        `tinylm: the compiled webgpu step cannot run here (${e instanceof Error ? e.message : String(e)}); training with trainStep`,
      );
    }
    return this.compiled;
  }

  /** Continues from other weights (a loaded folder): fresh optimizer, same data stream. */
  replaceModel(model: LlamaModel): void {
    this.compiled?.dispose();
    this.compiled = undefined;
    this.model.dispose();
    this.optimizer.dispose();
    this.model = model;
    this.optimizer = new AdamW({ lr: this.settings.lr, weightDecay: 0.1 });
  }
}

/** The text the model writes after `prompt` (seeded sampling: the same weights give the same text). */
export async function generateText(model: LlamaModel, prompt: string, maxNewTokens: number): Promise<string> {
  const ids = encodeText(prompt);
  const room = model.config.maxPositionEmbeddings - ids.length;
  const out = await generate(model, ids, { maxNewTokens: Math.min(maxNewTokens, room), temperature: 0.8, topK: 40, seed: 0 });
  return decodeIds(out.ids);
}
