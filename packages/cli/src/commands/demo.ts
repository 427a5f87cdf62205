// `tinylm demo`: what runs today, end to end on real text: a byte-level tiny LLaMA (the
// `tiny-100k` preset: 256-token vocabulary, GQA, tied head) trained for a few steps on this
// repository's own documentation, on every available backend, then a greedy sample from each.
// (The full pipeline, from tokenizer pruning to GGUF, replaces this once its packages exist.)
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getPreset } from '@tinylm/arch-config';
import { AdamW, probeBackends } from '@tinylm/kernels';
import { generate, LlamaModel, seededRandom, trainStep } from '@tinylm/model';
import { intFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { startBackend } from './backend-flag';
import type { Command } from './command';

const USAGE = 'tinylm demo [--backend NAME] [--seconds S] [--steps N] [--text-dir DIR]';
const [BATCH, SEQ] = [8, 64];

async function corpus(dir: string): Promise<Uint8Array> {
  const files = ['README.md', ...(await readdir(join(dir, 'docs')).catch(() => [] as string[])).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8').catch(() => '')));
  const bytes = new TextEncoder().encode(texts.join('\n\n'));
  if (bytes.length < BATCH * (SEQ + 1)) throw new UsageError(`not enough text under ${dir} (README.md, docs/*.md): ${bytes.length} bytes`);
  return bytes;
}

/** A batch of random windows of the text: ids (B, T) and next-byte targets (B, T). */
function batch(text: Uint8Array, random: () => number): { ids: tf.Tensor2D; targets: tf.Tensor2D } {
  const ids = new Int32Array(BATCH * SEQ);
  const targets = new Int32Array(BATCH * SEQ);
  for (let b = 0; b < BATCH; b++) {
    const start = Math.floor(random() * (text.length - SEQ - 1));
    for (let t = 0; t < SEQ; t++) {
      ids[b * SEQ + t] = text[start + t];
      targets[b * SEQ + t] = text[start + t + 1];
    }
  }
  return { ids: tf.tensor2d(ids, [BATCH, SEQ], 'int32'), targets: tf.tensor2d(targets, [BATCH, SEQ], 'int32') };
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'train a byte-level tiny LLaMA on this repository\'s docs on every available backend, then sample',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      { backend: { type: 'string' }, seconds: { type: 'string' }, steps: { type: 'string' }, 'text-dir': { type: 'string' } },
      USAGE,
    );
    // Each backend trains for a time budget (capped in steps): slow backends still show the loss falling.
    const seconds = intFlag('seconds', values.seconds, 25);
    const maxSteps = intFlag('steps', values.steps, 400);
    const text = await corpus((values['text-dir'] as string | undefined) ?? process.cwd());
    const backends = values.backend
      ? [values.backend as string]
      : (await probeBackends()).filter((b) => b.available).map((b) => b.name);
    const config = getPreset('tiny-100k').config;
    io.out(
      `tiny-100k (${config.numLayers} layers, hidden ${config.hiddenSize}, byte vocabulary) on ${text.length.toLocaleString('en-US')} bytes of docs; ` +
        `${BATCH}x${SEQ} tokens a step, ${seconds} s or ${maxSteps} steps per backend`,
    );
    for (const name of backends) {
      const report = await startBackend(name, io, true);
      io.out(`\n== ${report.backend}${report.adapter ? ` (${report.adapter})` : ''}`);
      const model = LlamaModel.create(config, { seed: 0 });
      const opt = new AdamW({ lr: 1e-2, weightDecay: 0.1 });
      const random = seededRandom(1);
      const t0 = performance.now();
      let first = 0;
      let last = 0;
      let step = 0;
      while (step < maxSteps && (performance.now() - t0) / 1000 < seconds) {
        step += 1;
        const { ids, targets } = batch(text, random);
        last = (await trainStep(model, opt, ids, targets)).loss;
        if (step === 1) first = last;
        tf.dispose([ids, targets]);
        if (step === 1 || step % 50 === 0) io.out(`step ${String(step).padStart(4)}  loss ${last.toFixed(4)}`);
      }
      const elapsed = (performance.now() - t0) / 1000;
      io.out(`step ${String(step).padStart(4)}  loss ${last.toFixed(4)}`);
      io.out(`loss ${first.toFixed(3)} -> ${last.toFixed(3)} in ${step} steps, ${elapsed.toFixed(1)} s (${Math.round((step * BATCH * SEQ) / elapsed)} tokens/s)`);
      const prompt = Array.from(new TextEncoder().encode('The model '));
      const out = await generate(model, prompt, { maxNewTokens: 48, greedy: true });
      io.out(`sample: ${JSON.stringify(new TextDecoder().decode(Uint8Array.from([...prompt, ...out.ids])))}`);
      opt.dispose();
      model.dispose();
    }
    return 0;
  },
};
