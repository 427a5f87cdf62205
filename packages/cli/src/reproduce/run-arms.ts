// Trains each arm once per seed and scores it on the whole held-out split. A run's folder is named
// by the hash of everything that determines it (data, tokenizer, init, shape, rounds, budget,
// seed): studies that share an arm share its runs, a finished run is reused, and an interrupted one
// continues from its latest checkpoint.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTokenIds } from '../recipe/shapes';
import type { LlamaConfig } from '@tinylm/arch-config';
import { LlamaModel, loadHfModel } from '@tinylm/model';
import { evaluate, readMetrics, train } from '@tinylm/multi-round-trainer';
import { clock } from '../progress';
import { keyOf, resumableStep } from '../recipe/cache';
import { trainerProgress } from '../trainer-progress';
import { type Arm, roundSteps } from './arm';
import type { Workspace } from './workspace';

export interface ArmResult {
  arm: Arm;
  seed: number;
  config: LlamaConfig;
  steps: number;
  tokens: number;
  /** UTF-8 bytes of student text those tokens cover. */
  textBytes: number;
  heldOutLoss: number;
  heldOutBitsPerByte: number | null;
  heldOutTokens: number;
  /** Seconds of training (the trainer's elapsed_s, which continues across a resume). */
  seconds: number;
  /** The run's metrics.jsonl (loss per step, evaluations), for the curves. */
  metrics: Record<string, unknown>[];
}

export interface TrainSettings {
  seeds: number;
  batch: number;
  seq: number;
  lr: number;
}

/** Every arm, every seed, in order; `label` prefixes the progress lines (the study's name). */
export async function runArms(w: Workspace, arms: readonly Arm[], s: TrainSettings, label: string): Promise<ArmResult[]> {
  const { ctx } = w;
  const results: ArmResult[] = [];
  const total = arms.length * s.seeds;
  for (const [i, arm] of arms.entries()) {
    const pack = await w.pack(arm.vocab);
    const config = withTokenIds(arm.shape, pack.tokenizer);
    const init = arm.init.from === 'teacher' ? await w.inherited(config, arm.init) : null;
    const rounds = roundSteps(arm.steps, pack.batches, arm.rounds, arm.sampleRate);
    const armKey = keyOf({
      data: w.data.key,
      tok: w.toks.key,
      vocab: arm.vocab,
      init: init?.key ?? null,
      config,
      rounds: arm.rounds,
      sampleRate: arm.sampleRate,
      steps: arm.steps,
      batch: s.batch,
      seq: s.seq,
      lr: s.lr,
      v: 2,
    });
    for (let seed = 0; seed < s.seeds; seed++) {
      const n = i * s.seeds + seed + 1;
      const tag = `${label} [${n}/${total}] ${arm.id} seed ${seed}`;
      const dir = join(ctx.out, 'runs', armKey, `seed-${seed}`);
      const reused = await ctx.time('runs', () =>
        resumableStep(dir, `${armKey}-${seed}`, ctx.fresh, async (resume) => {
          const model = init ? await loadHfModel(init.hf) : LlamaModel.create(config, { seed });
          const run = await train({
            model,
            train: pack.train,
            val: pack.val,
            outDir: join(dir, 'run'),
            batchSize: s.batch,
            steps: rounds.first,
            refinedSteps: arm.rounds > 1 ? rounds.refined : undefined,
            rounds: arm.rounds,
            sampleRate: arm.sampleRate,
            lr: s.lr,
            minLr: s.lr / 10,
            evalEvery: Math.max(1, Math.round(arm.steps / 8)),
            evalSequences: 64,
            checkpointEvery: Math.max(1, Math.round(arm.steps / 4)),
            keep: 1,
            seed,
            resume,
            finalScores: false,
            tokenizer: pack.tokenizer,
            onEvent: trainerProgress(ctx.status, tag),
          });
          const heldOut = await evaluate(model, pack.val, { bytesPerToken: pack.valBytesPerToken });
          model.dispose();
          const result = {
            steps: run.steps,
            tokens: run.tokens,
            textBytes: Math.round(run.tokens * pack.trainBytesPerToken),
            heldOutLoss: heldOut.loss,
            heldOutBitsPerByte: heldOut.bitsPerByte,
            heldOutTokens: pack.val.sequences * pack.val.seqLen,
            seconds: trainedSeconds(await readMetrics(join(dir, 'run', 'metrics.jsonl'))),
          };
          await writeFile(join(dir, 'arm.json'), `${JSON.stringify({ arm: { ...arm, shape: arm.shape.config }, seed })}\n`);
          await writeFile(join(dir, 'result.json'), `${JSON.stringify(result)}\n`);
          await dropCheckpoints(join(dir, 'run'));
        }),
      );
      const r = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as Omit<ArmResult, 'arm' | 'seed' | 'config' | 'metrics'>;
      const metrics = await readMetrics(join(dir, 'run', 'metrics.jsonl'));
      results.push({ arm, seed, config, metrics, ...r });
      ctx.status.final(
        `${tag}: ${r.heldOutBitsPerByte?.toFixed(4)} bits/byte held-out ` +
          `(${r.steps} steps, ${r.tokens.toLocaleString('en-US')} tokens${reused ? ', reused' : `, ${clock(r.seconds * 1000)}`})`,
      );
    }
  }
  return results;
}

/** The last elapsed_s of a run's step lines: its training time, across every resume. */
export function trainedSeconds(metrics: readonly Record<string, unknown>[]): number {
  let last = 0;
  for (const m of metrics) if (typeof m.elapsed_s === 'number') last = m.elapsed_s;
  return last;
}

/**
 * A finished run's checkpoints (weights and AdamW moments, 12 bytes a parameter) are only needed to
 * resume it: once its result is written they go, so that a study of dozens of runs keeps megabytes,
 * not gigabytes. Its metrics and round files stay.
 */
async function dropCheckpoints(runDir: string): Promise<void> {
  for (const name of await readdir(runDir)) if (/^step-\d+$/.test(name)) await rm(join(runDir, name), { recursive: true, force: true });
}
