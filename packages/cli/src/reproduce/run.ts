// `tinylm reproduce`: the paper's ladder and its ablations measured on the bundled corpus. Order:
// data and tokenizers, then every study's arms are built and checked (shapes within budget, round
// budgets, inheritance inside the teacher) before anything trains; then the teacher (trained once,
// cached), then the arms (each run cached, an interrupted one resumed), then one report per study.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { countParams, embeddingShare, type LlamaConfig, loadConfigFile } from '@tinylm/arch-config';
import { loadHfModel } from '@tinylm/model';
import { evaluate } from '@tinylm/multi-round-trainer';
import { UsageError } from '../args';
import type { CliIo } from '../io';
import { clock } from '../progress';
import { makeOutputDir } from '../recipe/out-dir';
import { type Arm, roundSteps } from './arm';
import { reproduceTeacherConfig } from './budget';
import { type StudyRun, writeStudyReport } from './report';
import { type ArmResult, runArms } from './run-arms';

import { STUDIES, type StudyName } from './studies';
import type { Study, StudyInputs } from './studies/study';
import { openWorkspace, withTeacher, type WorkspaceOptions } from './workspace';

export interface ReproduceOptions extends WorkspaceOptions {
  studies: readonly StudyName[];
  /** Parameter budget of every arm. */
  params: number;
  /** Optimizer steps of every arm at the reference budget. */
  steps: number;
  seeds: number;
  lr: number;
  /** Sampling rate of refined rounds (the rounds study varies it). */
  sampleRate: number;
  /** The command line, for the report. */
  command: string;
}

export interface ReproduceResult {
  study: Study;
  run: StudyRun;
  markdown: string;
  lines: string[];
}

export async function runReproduce(o: ReproduceOptions, io: CliIo): Promise<ReproduceResult[]> {
  const t0 = performance.now();
  if (!Number.isInteger(o.seeds) || o.seeds < 1) throw new UsageError(`--seeds must be a positive integer, got ${o.seeds}`);
  const givenTeacher = o.teacher ? await loadConfigFile(o.teacher) : undefined;
  await makeOutputDir(o.out);
  const w = await openWorkspace(o, io);
  const { ctx, toks } = w;
  const teacherConfig = givenTeacher ?? reproduceTeacherConfig(toks.teacher.vocabSize, Math.max(256, o.seq));
  if (o.seq > teacherConfig.maxPositionEmbeddings) {
    throw new UsageError(`--seq ${o.seq} is longer than the teacher's context (${teacherConfig.maxPositionEmbeddings} positions)`);
  }
  const inputs: StudyInputs = {
    pack: w.pack,
    params: o.params,
    steps: o.steps,
    bigVocab: toks.teacher.vocabSize,
    compactVocab: toks.student.vocabSize,
    teacher: teacherConfig,
    sampleRate: o.sampleRate,
  };
  // Every study's arms first: a budget or shape that cannot work is refused before anything trains.
  const planned: { study: Study; arms: Arm[] }[] = [];
  for (const name of o.studies) {
    const study = STUDIES[name];
    const arms = await study.arms(inputs);
    for (const a of arms) roundSteps(a.steps, (await w.pack(a.vocab)).batches, a.rounds, a.sampleRate, '--steps');
    ctx.status.final(`${name}: ${arms.map((a) => `${a.id} ${shapeOf(a.shape.config)}`).join('; ')}`);
    planned.push({ study, arms });
  }

  const tw = await withTeacher(w, { ...o, teacherConfig });
  const { teacher } = tw;
  ctx.status.final(
    `teacher: ${o.teacher ? `${o.teacher} (given)` : `${teacher.reused ? 'reused' : 'trained'} ${shapeOf(teacher.config)} -> ${teacher.hf}`}`,
  );
  const big = await w.pack(toks.teacher.vocabSize);
  const teacherModel = await loadHfModel(teacher.hf);
  const teacherHeldOut = await evaluate(teacherModel, big.val, { bytesPerToken: big.valBytesPerToken });
  teacherModel.dispose();
  ctx.status.final(`teacher: ${teacherHeldOut.bitsPerByte?.toFixed(4)} bits/byte held-out`);

  const settings = { seeds: o.seeds, batch: o.batch, seq: o.seq, lr: o.lr };
  const out: ReproduceResult[] = [];
  for (const { study, arms } of planned) {
    const started = performance.now();
    const results: ArmResult[] = await runArms(tw, arms, settings, study.name);
    const report = study.report(results, inputs);
    const run: StudyRun = {
      command: o.command,
      date: new Date().toISOString(),
      backend: o.backend,
      machine: machineOf(),
      settings: { ...settings, params: o.params, steps: o.steps, sampleRate: o.sampleRate },
      teacher: {
        config: teacher.config,
        hf: teacher.hf,
        steps: teacher.steps,
        tokens: teacher.steps * o.batch * o.seq,
        heldOutBitsPerByte: teacherHeldOut.bitsPerByte,
      },
      tokenizers: {
        big: toks.teacher.vocabSize,
        compact: toks.student.vocabSize,
        compactCoveragePercent: toks.studentReport.coveragePercent,
      },
      data: { studentTextBytes: await bytesOf(w.data.studentText), heldOutBytes: await bytesOf(w.data.valText) },
      results,
      studySeconds: (performance.now() - started) / 1000,
      trainedSeconds: results.reduce((sum, r) => sum + r.seconds, 0),
      timings: { ...ctx.timings },
      totalSeconds: (performance.now() - t0) / 1000,
    };
    const { markdown } = await writeStudyReport(ctx.out, study, run, report);
    ctx.status.final(`${study.name}: report ${markdown} (${clock(run.totalSeconds * 1000)} since the start)`);
    out.push({ study, run, markdown, lines: report.lines });
  }
  return out;
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
