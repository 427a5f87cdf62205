// The experiment that shows parameter inheritance works (PanGu-π Pro, docs/method.md section 3, at tiny
// scale): train a byte-level teacher briefly on real English text, then students of one smaller
// shape initialised randomly and by each criterion, each trained for the same budget on the same
// batches; report held-out loss (nats per byte, on a file the teacher never saw).
// Used by test/param-inherit-experiment.test.ts (small) and bench/run-experiment.ts (the fuller
// run recorded in docs/param-inherit.md). Runs the built packages, as users do.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfigInput } from '@tinylm/arch-config';
import { AdamW, initBackend } from '@tinylm/kernels';
import { LlamaModel, loadHfModel, saveHfModel, seededRandom, trainStep } from '@tinylm/model';
import { inheritParams, type LayerCriterion, type WidthCriterion } from '@tinylm/param-inherit';

/** One student initialisation. */
export interface StudentSpec {
  name: string;
  /** 'random', or inheritance with these criteria. */
  init: 'random' | { layers: LayerCriterion; width: WidthCriterion; maskSteps?: number };
  /** Learning rate of this student's training (default: the experiment's). */
  lr?: number;
}

export interface ExperimentOptions {
  backend?: string;
  teacher: LlamaConfigInput;
  student: LlamaConfigInput;
  teacherSteps: number;
  studentSteps: number;
  batch: number;
  seq: number;
  /** AdamW learning rate, teacher and students. */
  lr: number;
  students: StudentSpec[];
  /** Held-out windows of `seq` + 1 bytes. */
  evalWindows: number;
  /** Calibration windows (of `seq`) for the data-driven criteria, from the training text. */
  calibSamples: number;
  /** Seeds of the students' batch order: each student is trained once per seed (default [3]). */
  seeds?: number[];
  /** Also evaluate after these many student steps (a learning curve). */
  evalAt?: number[];
  workDir: string;
  log?: (line: string) => void;
}

export interface StudentResult {
  name: string;
  /** Held-out loss right after initialisation. */
  initLoss: number;
  /** Held-out loss after `studentSteps` steps (mean over seeds). */
  finalLoss: number;
  /** Per seed. */
  finalLosses: number[];
  /** Mean held-out loss after `evalAt` steps. */
  curve: { step: number; loss: number }[];
  /** Seconds spent initialising (inheritance, incl. mask training). */
  initSeconds: number;
  /** Source layers kept (inherited students). */
  keptLayers?: number[];
}

export interface ExperimentResult {
  corpus: { train: string[]; heldOut: string; trainBytes: number; heldOutBytes: number };
  teacher: { params: number; initLoss: number; finalLoss: number; seconds: number };
  student: { params: number };
  students: StudentResult[];
}

/**
 * Real English text on this machine: Debian's licence texts (/usr/share/common-licenses; one held
 * out for evaluation), else this repository's documentation (README.md held out).
 */
export async function corpus(root: string): Promise<{ train: Uint8Array; heldOut: Uint8Array; trainFiles: string[]; heldOutFile: string }> {
  const lic = '/usr/share/common-licenses';
  let trainFiles: string[];
  let heldOutFile: string;
  if (existsSync(join(lic, 'Apache-2.0'))) {
    const names = (await readdir(lic)).filter((n) => !['GPL', 'LGPL', 'GFDL', 'Apache-2.0'].includes(n)).sort();
    trainFiles = names.map((n) => join(lic, n));
    heldOutFile = join(lic, 'Apache-2.0');
  } else {
    const docs = (await readdir(join(root, 'docs'))).filter((f) => f.endsWith('.md')).sort();
    trainFiles = docs.map((f) => join(root, 'docs', f));
    heldOutFile = join(root, 'README.md');
  }
  const train = Buffer.concat(await Promise.all(trainFiles.map((f) => readFile(f))));
  return { train: new Uint8Array(train), heldOut: new Uint8Array(await readFile(heldOutFile)), trainFiles, heldOutFile };
}

/** Random windows of the text: ids (B, T) and next-byte targets (B, T). */
function batch(text: Uint8Array, b: number, t: number, random: () => number): { ids: tf.Tensor2D; targets: tf.Tensor2D } {
  const ids = new Int32Array(b * t);
  const targets = new Int32Array(b * t);
  for (let i = 0; i < b; i++) {
    const start = Math.floor(random() * (text.length - t - 1));
    for (let j = 0; j < t; j++) {
      ids[i * t + j] = text[start + j];
      targets[i * t + j] = text[start + j + 1];
    }
  }
  return { ids: tf.tensor2d(ids, [b, t], 'int32'), targets: tf.tensor2d(targets, [b, t], 'int32') };
}

/** Mean loss over `n` consecutive held-out windows (evenly spread), in batches. */
async function heldOutLoss(model: LlamaModel, text: Uint8Array, n: number, t: number, b: number): Promise<number> {
  const stride = Math.floor((text.length - t - 1) / n);
  let sum = 0;
  for (let k = 0; k < n; k += b) {
    const m = Math.min(b, n - k);
    const ids = new Int32Array(m * t);
    const targets = new Int32Array(m * t);
    for (let i = 0; i < m; i++) {
      const start = (k + i) * stride;
      for (let j = 0; j < t; j++) {
        ids[i * t + j] = text[start + j];
        targets[i * t + j] = text[start + j + 1];
      }
    }
    const idsT = tf.tensor2d(ids, [m, t], 'int32');
    const tgT = tf.tensor2d(targets, [m, t], 'int32');
    const loss = model.loss(idsT, tgT);
    sum += (await loss.data())[0] * m;
    tf.dispose([idsT, tgT, loss]);
  }
  return sum / n;
}

async function train(
  model: LlamaModel,
  text: Uint8Array,
  steps: number,
  o: ExperimentOptions,
  seed: number,
  baseLr = o.lr,
  onStep?: (step: number) => Promise<void>,
): Promise<void> {
  const opt = new AdamW({ lr: baseLr, weightDecay: 0.1 });
  const random = seededRandom(seed);
  for (let s = 0; s < steps; s++) {
    const { ids, targets } = batch(text, o.batch, o.seq, random);
    // cosine from lr to lr / 10 (the paper's schedule shape, no warm-up at this size)
    const lr = baseLr * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * s) / steps)));
    await trainStep(model, opt, ids, targets, { lr });
    tf.dispose([ids, targets]);
    await onStep?.(s + 1);
  }
  opt.dispose();
}

/** Runs the whole experiment (see the file header). */
export async function runExperiment(o: ExperimentOptions): Promise<ExperimentResult> {
  const log = o.log ?? (() => undefined);
  await initBackend({ backend: o.backend ?? 'wasm' });
  const text = await corpus(new URL('../../..', import.meta.url).pathname);
  log(
    `corpus: ${text.trainFiles.length} training files (${text.train.length} bytes), held out ${text.heldOutFile} (${text.heldOut.length} bytes)`,
  );

  const t0 = performance.now();
  const teacher = LlamaModel.create(o.teacher, { seed: 0 });
  const teacherInit = await heldOutLoss(teacher, text.heldOut, o.evalWindows, o.seq, o.batch);
  await train(teacher, text.train, o.teacherSteps, o, 1);
  const teacherLoss = await heldOutLoss(teacher, text.heldOut, o.evalWindows, o.seq, o.batch);
  const teacherDir = join(o.workDir, 'teacher');
  await saveHfModel(teacher, teacherDir, { force: true });
  const teacherSeconds = (performance.now() - t0) / 1000;
  log(
    `teacher: ${teacher.numParams()} params, held-out loss ${teacherInit.toFixed(4)} -> ${teacherLoss.toFixed(4)} after ${o.teacherSteps} steps (${teacherSeconds.toFixed(1)} s)`,
  );
  const teacherParams = teacher.numParams();
  teacher.dispose();

  // calibration: evenly spaced windows of the training text (never the held-out file)
  const calibration = { tokens: [text.train], seqLen: o.seq, samples: o.calibSamples, batchSize: o.batch };
  const results: StudentResult[] = [];
  let studentParams = 0;
  const seeds = o.seeds ?? [3];
  for (const spec of o.students) {
    const t1 = performance.now();
    let keptLayers: number[] | undefined;
    let dir: string | undefined;
    if (spec.init !== 'random') {
      dir = join(o.workDir, spec.name.replace(/\W+/g, '-'));
      const { report } = await inheritParams({
        from: teacherDir,
        to: o.student,
        out: dir,
        force: true,
        layers: spec.init.layers,
        width: spec.init.width,
        calibration,
        learned: { steps: spec.init.maskSteps ?? 50 },
      });
      keptLayers = report.layers.kept;
    }
    const initSeconds = (performance.now() - t1) / 1000;
    const fresh = async () => (dir ? loadHfModel(dir) : LlamaModel.create(o.student, { seed: 2 }));
    let initLoss = 0;
    const finalLosses: number[] = [];
    const curveSums = new Map<number, number>();
    for (const seed of seeds) {
      const model = await fresh();
      studentParams = model.numParams();
      initLoss = await heldOutLoss(model, text.heldOut, o.evalWindows, o.seq, o.batch);
      // same batches for every student (one order per seed)
      await train(model, text.train, o.studentSteps, o, seed, spec.lr, async (step) => {
        if (o.evalAt?.includes(step) && step !== o.studentSteps) {
          curveSums.set(step, (curveSums.get(step) ?? 0) + (await heldOutLoss(model, text.heldOut, o.evalWindows, o.seq, o.batch)));
        }
      });
      finalLosses.push(await heldOutLoss(model, text.heldOut, o.evalWindows, o.seq, o.batch));
      model.dispose();
    }
    const finalLoss = finalLosses.reduce((a, b) => a + b, 0) / finalLosses.length;
    const curve = [...curveSums].map(([step, sum]) => ({ step, loss: sum / seeds.length }));
    curve.push({ step: o.studentSteps, loss: finalLoss });
    results.push({ name: spec.name, initLoss, finalLoss, finalLosses, curve, initSeconds, keptLayers });
    const layers = keptLayers ? `, layers ${JSON.stringify(keptLayers)}` : '';
    const spread = seeds.length > 1 ? ` [${finalLosses.map((l) => l.toFixed(4)).join(', ')}]` : '';
    log(
      `${spec.name.padEnd(30)} init ${initLoss.toFixed(4)}  after ${o.studentSteps} steps ${finalLoss.toFixed(4)}${spread}  (init ${initSeconds.toFixed(1)} s${layers})`,
    );
  }
  return {
    corpus: { train: text.trainFiles, heldOut: text.heldOutFile, trainBytes: text.train.length, heldOutBytes: text.heldOut.length },
    teacher: { params: teacherParams, initLoss: teacherInit, finalLoss: teacherLoss, seconds: teacherSeconds },
    student: { params: studentParams },
    students: results,
  };
}
