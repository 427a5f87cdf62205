// `tinylm train`: trains a model (a Hugging Face folder, or a preset / config initialised at
// random) on text, JSONL or token files, in one or more rounds with loss-based data refining.
// Writes RUN_DIR/metrics.jsonl, checkpoints, rounds/*.json and the final model in RUN_DIR/final.
import { join } from 'node:path';
import { configFromPresetOrFile, loadConfigFile } from '@tinylm/arch-config';
import { type Granularity, loadPacked, splitHeldOut, train } from '@tinylm/multi-round-trainer';
import { LlamaModel, loadHfModel, saveHfModel } from '@tinylm/model';
import { loadTokenizer } from '@tinylm/tokenizer-prune';
import { type FlagRange, intFlag, numberFlag, parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import { statusLine } from '../progress';
import { checkShapeFits } from '../memory-guard';
import { trainerProgress } from '../trainer-progress';
import { BACKEND_FLAG, startBackend, WEBGPU_STEP_FLAG, webgpuStepFlag } from './backend-flag';
import type { Command } from './command';
import { showValue } from '@tinylm/errors';

const USAGE = [
  'tinylm train (--model DIR | --config PRESET_OR_FILE [--seed N]) --data FILES... --out RUN_DIR',
  '  [--tokenizer DIR] [--val FILES... | --val-fraction 0.05] [--rounds 2] [--sample-rate 0.5] [--temperature 1]',
  '  [--granularity batch|sample] [--steps N | --tokens N] [--refined-steps N] [--batch 8] [--seq 128] [--grad-accum 1]',
  '  (--steps / --tokens: round 1; each later round takes --refined-steps, default round(sample-rate x round 1))',
  '  [--lr 1e-4] [--min-lr 1e-5] [--warmup 0.03] [--weight-decay 0.1] [--clip 1]',
  '  [--eval-every N] [--checkpoint-every N] [--keep 3] [--resume] [--backend NAME] [--threads N] [--webgpu-step compiled|tfjs] [--json]',
].join('\n');

/** A required-with-default number flag. */
const num = (name: string, v: unknown, fallback: number, range: FlagRange = { min: 0 }) => numberFlag(name, v, fallback, range) as number;

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model, in rounds with loss-based data refining; checkpoints, exact --resume',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(
      argv,
      {
        ...BACKEND_FLAG,
        ...WEBGPU_STEP_FLAG,
        model: { type: 'string' },
        config: { type: 'string' },
        seed: { type: 'string' },
        data: { type: 'string', multiple: true },
        val: { type: 'string', multiple: true },
        'val-fraction': { type: 'string' },
        tokenizer: { type: 'string' },
        out: { type: 'string' },
        rounds: { type: 'string' },
        'sample-rate': { type: 'string' },
        temperature: { type: 'string' },
        granularity: { type: 'string' },
        steps: { type: 'string' },
        tokens: { type: 'string' },
        'refined-steps': { type: 'string' },
        batch: { type: 'string' },
        seq: { type: 'string' },
        'grad-accum': { type: 'string' },
        lr: { type: 'string' },
        'min-lr': { type: 'string' },
        warmup: { type: 'string' },
        'weight-decay': { type: 'string' },
        clip: { type: 'string' },
        'eval-every': { type: 'string' },
        'checkpoint-every': { type: 'string' },
        keep: { type: 'string' },
        resume: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    const out = values.out as string | undefined;
    const data = values.data as string[] | undefined;
    if (!out) throw new UsageError(`--out RUN_DIR is required\nusage: ${USAGE}`);
    if (!data?.length) throw new UsageError(`--data FILES is required\nusage: ${USAGE}`);
    if (Boolean(values.model) === Boolean(values.config))
      throw new UsageError('give exactly one of --model DIR and --config PRESET_OR_FILE');
    if (values.steps !== undefined && values.tokens !== undefined) throw new UsageError('give --steps or --tokens, not both');
    const granularity = (values.granularity as string | undefined) ?? 'batch';
    if (granularity !== 'batch' && granularity !== 'sample')
      throw new UsageError(`--granularity must be batch or sample, got ${showValue(granularity)}`);
    const batch = intFlag('batch', values.batch, 8);
    const seq = intFlag('seq', values.seq, 128);
    const accum = intFlag('grad-accum', values['grad-accum'], 1);
    const webgpuStep = webgpuStepFlag(values['webgpu-step']);
    // every flag is checked before the backend starts or a file is read
    const valFraction = num('val-fraction', values['val-fraction'], 0.05, { above: 0, below: 1 });
    const steps =
      values.tokens !== undefined
        ? Math.max(1, Math.ceil(intFlag('tokens', values.tokens) / (batch * seq * accum)))
        : values.steps === undefined
          ? undefined
          : intFlag('steps', values.steps);
    const options = {
      batchSize: batch,
      gradAccum: accum,
      steps,
      refinedSteps: values['refined-steps'] === undefined ? undefined : intFlag('refined-steps', values['refined-steps']),
      lr: num('lr', values.lr, 1e-4),
      minLr: num('min-lr', values['min-lr'], 1e-5),
      warmupRatio: num('warmup', values.warmup, 0.03, { min: 0, max: 1 }),
      weightDecay: num('weight-decay', values['weight-decay'], 0.1),
      clip: num('clip', values.clip, 1),
      rounds: intFlag('rounds', values.rounds, 2),
      sampleRate: num('sample-rate', values['sample-rate'], 0.5, { above: 0, max: 1 }),
      temperature: num('temperature', values.temperature, 1, { above: 0 }),
      granularity: granularity as Granularity,
      evalEvery: intFlag('eval-every', values['eval-every'], 0, 0),
      checkpointEvery: intFlag('checkpoint-every', values['checkpoint-every'], 0, 0),
      keep: intFlag('keep', values.keep, 3),
      seed: intFlag('seed', values.seed, 0, 0),
    };

    const backend = await startBackend(values, io); // prints "backend: NAME"
    const tokenizer = values.tokenizer ? await loadTokenizer(values.tokenizer as string) : undefined;
    // the shape is checked against this machine before a single tensor is allocated for it
    const source = (values.model ?? values.config) as string;
    const config = values.model ? await loadConfigFile(source) : await configFromPresetOrFile(source);
    const warning = checkShapeFits(config, { purpose: 'train', name: source, batch, seqLen: seq, backend: backend.backend });
    if (warning) io.err(warning);
    const model = values.model ? await loadHfModel(source) : LlamaModel.create(config, { seed: options.seed });
    if (tokenizer && tokenizer.vocabSize > model.config.vocabSize) {
      throw new UsageError(
        `the tokenizer (${tokenizer.path}) has ${tokenizer.vocabSize} tokens but the model's vocabulary is ${model.config.vocabSize}; ` +
          'the model needs at least as many embedding rows as the tokenizer has ids',
      );
    }
    const load = (files: string[]) => loadPacked(files, { seqLen: seq, vocabSize: model.config.vocabSize, tokenizer });
    const all = await load(data);
    const { train: trainData, val } = values.val ? { train: all, val: await load(values.val as string[]) } : splitHeldOut(all, valFraction);
    const status = statusLine(io);
    const result = await train({
      model,
      train: trainData,
      val,
      outDir: out,
      ...options,
      resume: Boolean(values.resume),
      tokenizer,
      onEvent: trainerProgress(status),
      webgpuStep,
    });
    const finalDir = join(out, 'final');
    await saveHfModel(model, finalDir, { tokenizerDir: values.tokenizer as string | undefined, force: true });
    model.dispose();
    const finalEval = result.finalEval!; // the command always has held-out data (--val or --val-fraction)
    const summary = {
      steps: result.steps,
      tokens: result.tokens,
      val_loss: finalEval.loss,
      val_bpb: finalEval.bitsPerByte,
      model: finalDir,
    };
    if (values.json) io.out(JSON.stringify(summary));
    else
      io.out(
        `done: ${result.steps} steps, held-out loss ${finalEval.loss.toFixed(4)}${finalEval.bitsPerByte === null ? '' : `, ${finalEval.bitsPerByte.toFixed(4)} bits/byte`} -> ${finalDir}`,
      );
    return 0;
  },
};
