// `tinylm reproduce`: the improvement ladder (./ladder.ts) measured on the bundled corpus.
// Every rung trains on the same student text for the same number of optimizer steps (the same
// number of tokens, batch × sequence × steps) at the same learning-rate schedule, and is scored
// on the whole held-out split in bits per byte, which does not depend on the tokenizer.
// The data, tokenizers and teacher steps are the demo's (../recipe/steps.ts); each rung and seed
// is cached in its own folder, so an interrupted run resumes at the rung it was on.
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { countParams, embeddingShare, loadConfigFile, type LlamaConfig } from '@tinylm/arch-config';
import { LlamaModel, loadHfModel } from '@tinylm/model';
import { bytesPerTokenOf, evaluate, type PackedData, partitionBatches, readMetrics, train } from '@tinylm/multi-round-trainer';
import { inheritParams } from '@tinylm/param-inherit';
import type { CliIo } from '../io';
import { clock } from '../progress';
import { cachedStep, keyOf } from '../recipe/cache';
import { makeOutputDir } from '../recipe/out-dir';
import { withTokenIds } from '../recipe/shapes';
import {
  defaultTeacherConfig,
  packText,
  prepareData,
  prepareTeacher,
  prepareTokenizers,
  type RecipeOptions,
  recipeContext,
} from '../recipe/steps';
import { trainerProgress } from '../trainer-progress';
import { firstRoundSteps, ladderRungs, type Rung } from './ladder';
import { type LadderResult, type RungResult, writeLadderReport } from './report';

export interface ReproduceOptions extends RecipeOptions {
  /** Parameter budget of every rung. */
  params: number;
  /** Optimizer steps per rung; default 1.5 epochs of the student text under the compact tokenizer. */
  steps?: number;
  seeds: number;
  lr: number;
  /** The command line, for the report. */
  command: string;
}

const RATE = 0.5;

export async function runReproduce(o: ReproduceOptions, io: CliIo): Promise<LadderResult> {
  const t0 = performance.now();
  const ctx = recipeContext(o, io);
  const { out, status, timings } = ctx;
  const givenTeacher = o.teacher ? await loadConfigFile(o.teacher) : undefined;
  await makeOutputDir(out);

  const data = await prepareData(ctx, o.corpus, { teacher: 400_000, student: o.studentBytes, val: 25_000 });
  const toks = await prepareTokenizers(ctx, data, o);
  const teacherCfg = givenTeacher ?? defaultTeacherConfig(toks.teacher.vocabSize);
  const rungs = ladderRungs({
    params: o.params,
    bigVocab: toks.teacher.vocabSize,
    compactVocab: toks.student.vocabSize,
    teacher: teacherCfg,
  });
  status.final(`ladder: ${rungs.map((r) => `${r.id} ${shapeOf(r.shape.config)}`).join('; ')}`);
  const tokenizerOf = (r: Rung) => (r.tokenizer === 'big' ? toks.teacher : toks.student);
  // Per tokenizer, once: the packed student and held-out text, and the held-out bytes per token
  // (decoding the whole split; every evaluation on it reuses the figure).
  const packs = new Map<string, { train: PackedData; val: PackedData; valBytesPerToken: number | null }>();
  const packsOf = async (r: Rung) => {
    const tok = tokenizerOf(r);
    if (!packs.has(r.tokenizer)) {
      const val = await packText([data.valText], tok, tok.vocabSize, o.seq);
      packs.set(r.tokenizer, {
        train: await packText([data.studentText], tok, tok.vocabSize, o.seq),
        val,
        valBytesPerToken: bytesPerTokenOf(val, val.sequences, tok),
      });
    }
    return packs.get(r.tokenizer)!;
  };
  const compactBatches = partitionBatches((await packsOf(rungs[1])).train, o.batch, 0).count;
  const steps = o.steps ?? Math.round(1.5 * compactBatches);
  // Checked before any rung trains: the two-round rung must fit the same budget.
  const roundOneSteps = (seed: number) =>
    firstRoundSteps(steps, partitionBatches(packs.get('compact')!.train, o.batch, seed).count, o.batch, RATE);
  roundOneSteps(0);

  const teacher = await prepareTeacher(ctx, data, toks, o);
  status.final(
    `teacher: ${o.teacher ? `${o.teacher} (given)` : `${teacher.reused ? 'reused' : 'trained'} ${shapeOf(teacher.config)} -> ${teacher.hf}`}`,
  );

  // The inherited initialisation (rungs 4 and 5 share it).
  const inheritDir = join(out, 'inherited-init');
  const inheritKey = keyOf({ teacher: teacher.key, tok: toks.key, shape: rungs[3].shape.config, v: 1 });
  await ctx.time('inherit', () =>
    cachedStep(inheritDir, inheritKey, o.fresh, async () => {
      await inheritParams({
        from: teacher.hf,
        to: withTokenIds(rungs[3].shape, toks.student),
        out: join(inheritDir, 'hf'),
        vocabMap: join(toks.studentDir, 'vocab-map.json'),
        layers: 'first-last',
        width: 'l2',
        tokenizerDir: toks.studentDir,
      });
    }),
  );

  // The teacher on the same held-out text, for reference (the rungs aim below its size).
  const teacherModel = await loadHfModel(teacher.hf);
  const big = await packsOf(rungs[0]); // rung 1 uses the teacher's tokenizer
  const teacherHeldOut = await evaluate(teacherModel, big.val, { bytesPerToken: big.valBytesPerToken });
  teacherModel.dispose();
  status.final(`teacher: ${teacherHeldOut.bitsPerByte?.toFixed(4)} bits/byte held-out`);

  const results: RungResult[] = [];
  const total = rungs.length * o.seeds;
  for (const [i, rung] of rungs.entries()) {
    for (let seed = 0; seed < o.seeds; seed++) {
      const n = i * o.seeds + seed + 1;
      const dir = join(out, 'rungs', rung.id, `seed-${seed}`);
      const tok = tokenizerOf(rung);
      const config = withTokenIds(rung.shape, tok);
      const { train: trainData, val, valBytesPerToken } = await packsOf(rung);
      const roundOne = rung.rounds === 2 ? roundOneSteps(seed) : steps;
      const key = keyOf({
        data: data.key,
        tok: toks.key,
        inheritKey: rung.init === 'inherit' ? inheritKey : null,
        config,
        rung,
        steps,
        seed,
        seq: o.seq,
        batch: o.batch,
        lr: o.lr,
        v: 1,
      });
      const reused = await ctx.time('rungs', () =>
        cachedStep(dir, key, o.fresh, async () => {
          const started = performance.now();
          const model = rung.init === 'inherit' ? await loadHfModel(join(inheritDir, 'hf')) : LlamaModel.create(config, { seed });
          const run = await train({
            model,
            train: trainData,
            val,
            outDir: join(dir, 'run'),
            batchSize: o.batch,
            steps: roundOne,
            refinedSteps: rung.rounds === 2 ? steps - roundOne : undefined,
            rounds: rung.rounds,
            sampleRate: RATE,
            lr: o.lr,
            minLr: o.lr / 10,
            evalEvery: Math.max(1, Math.round(steps / 8)),
            evalSequences: 64,
            keep: 1,
            seed,
            finalScores: false,
            tokenizer: tok,
            onEvent: trainerProgress(status, `[${n}/${total}] ${rung.id} seed ${seed}`),
          });
          const heldOut = await evaluate(model, val, { bytesPerToken: valBytesPerToken });
          model.dispose();
          const result = {
            steps: run.steps,
            tokens: run.tokens,
            heldOutLoss: heldOut.loss,
            heldOutBitsPerByte: heldOut.bitsPerByte,
            heldOutTokens: val.sequences * val.seqLen,
            seconds: (performance.now() - started) / 1000,
          };
          await writeFile(join(dir, 'result.json'), `${JSON.stringify(result)}\n`);
        }),
      );
      const r = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as Omit<RungResult, 'rung' | 'seed' | 'config' | 'metrics'>;
      const metrics = await readMetrics(join(dir, 'run', 'metrics.jsonl'));
      results.push({ rung, seed, config, metrics, ...r });
      status.final(
        `[${n}/${total}] ${rung.id} seed ${seed}: ${r.heldOutBitsPerByte?.toFixed(4)} bits/byte held-out ` +
          `(${r.steps} steps, ${r.tokens.toLocaleString('en-US')} tokens${reused ? ', reused' : `, ${clock(r.seconds * 1000)}`})`,
      );
    }
  }

  const ladder: LadderResult = {
    command: o.command,
    date: new Date().toISOString(),
    backend: o.backend,
    machine: machineOf(),
    budget: {
      params: o.params,
      steps,
      batch: o.batch,
      seq: o.seq,
      tokens: steps * o.batch * o.seq,
      lr: o.lr,
      seeds: o.seeds,
      sampleRate: RATE,
    },
    teacher: {
      config: teacher.config,
      hf: teacher.hf,
      steps: teacher.steps,
      heldOutBitsPerByte: teacherHeldOut.bitsPerByte,
      metrics: teacher.metrics ? await readMetrics(teacher.metrics) : [],
    },
    tokenizers: {
      big: toks.teacher.vocabSize,
      compact: toks.student.vocabSize,
      compactCoveragePercent: toks.studentReport.coveragePercent,
      heldOutBytesPerToken: { big: (await packsOf(rungs[0])).valBytesPerToken, compact: (await packsOf(rungs[1])).valBytesPerToken },
    },
    data: { studentTextBytes: await bytesOf(data.studentText), heldOutBytes: await bytesOf(data.valText) },
    results,
    timings,
    totalSeconds: (performance.now() - t0) / 1000,
  };
  const files = await writeLadderReport(out, ladder);
  status.final(`report: ${files.markdown} and ${files.chart} (${clock(ladder.totalSeconds * 1000)} in all)`);
  return ladder;
}

const shapeOf = (c: LlamaConfig) =>
  `${c.numLayers}x${c.hiddenSize} FFN ${c.intermediateSize} vocab ${c.vocabSize} (${countParams(c).total.toLocaleString('en-US')} params, ${(embeddingShare(c) * 100).toFixed(0)}% embedding)`;

async function bytesOf(jsonl: string): Promise<number> {
  const lines = (await readFile(jsonl, 'utf8')).trim().split('\n');
  return lines.reduce((s, l) => s + Buffer.byteLength((JSON.parse(l) as { text: string }).text, 'utf8'), 0);
}

function machineOf(): string {
  return `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}, Node ${process.versions.node}`;
}
