// The fuller run of the inheritance experiment (bench/experiment.ts) recorded in
// docs/param-inherit.md. From the repository root, after building:
//   npx vite-node packages/param-inherit/bench/run-experiment.ts -- [--teacher-steps N] [--student-steps N] [--out FILE.json]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runExperiment, type StudentSpec } from './experiment';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    'teacher-steps': { type: 'string', default: '600' },
    'student-steps': { type: 'string', default: '200' },
    'mask-steps': { type: 'string', default: '50' },
    seeds: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'wasm' },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});
const maskSteps = Number(values['mask-steps']);
const all: StudentSpec[] = [
  { name: 'random', init: 'random' },
  { name: 'random (lr 1e-2)', init: 'random', lr: 1e-2 },
  { name: 'uniform + l2', init: { layers: 'uniform', width: 'l2' } },
  { name: 'first-last + l1', init: { layers: 'first-last', width: 'l1' } },
  { name: 'first-last + l2', init: { layers: 'first-last', width: 'l2' } },
  { name: 'first-last + activation', init: { layers: 'first-last', width: 'activation' } },
  { name: 'first-last + taylor', init: { layers: 'first-last', width: 'taylor' } },
  { name: 'first-last + learned', init: { layers: 'first-last', width: 'learned', maskSteps } },
  { name: 'block-influence + l2', init: { layers: 'block-influence', width: 'l2' } },
  { name: 'block-influence + activation', init: { layers: 'block-influence', width: 'activation' } },
  { name: 'learned + learned', init: { layers: 'learned', width: 'learned', maskSteps } },
];
const students = values.only ? all.filter((s) => values.only!.split(',').includes(s.name)) : all;
const work = await mkdtemp(join(tmpdir(), 'tinylm-inherit-experiment-'));
const t0 = performance.now();
try {
  const result = await runExperiment({
    backend: values.backend,
    teacher: {
      vocabSize: 256,
      hiddenSize: 128,
      numLayers: 4,
      numHeads: 8,
      numKvHeads: 4,
      intermediateSize: 352,
      maxPositionEmbeddings: 256,
    },
    student: {
      vocabSize: 256,
      hiddenSize: 96,
      numLayers: 2,
      numHeads: 6,
      numKvHeads: 3,
      intermediateSize: 256,
      maxPositionEmbeddings: 256,
    },
    teacherSteps: Number(values['teacher-steps']),
    studentSteps: Number(values['student-steps']),
    batch: 8,
    seq: 64,
    lr: 3e-3,
    students,
    evalWindows: 64,
    calibSamples: 32,
    seeds: values.seeds!.split(',').map(Number),
    evalAt: [50, 100],
    workDir: work,
    log: (line) => console.log(line),
  });
  const random = result.students.find((s) => s.name === 'random');
  const steps = result.students[0].curve.map((c) => c.step);
  console.log(
    `\n| student init | layers kept | held-out loss at init | ${steps.map((s) => `after ${s} steps`).join(' | ')} | min..max over seeds | vs random |`,
  );
  console.log(`|---|---|---|${steps.map(() => '---|').join('')}---|---|`);
  for (const s of result.students) {
    const delta = random ? (s.finalLoss - random.finalLoss).toFixed(3) : '';
    const range = `${Math.min(...s.finalLosses).toFixed(3)}..${Math.max(...s.finalLosses).toFixed(3)}`;
    console.log(
      `| ${s.name} | ${s.keptLayers ? s.keptLayers.join(', ') : '—'} | ${s.initLoss.toFixed(3)} | ${s.curve.map((c) => c.loss.toFixed(3)).join(' | ')} | ${range} | ${delta} |`,
    );
  }
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  if (values.out) await writeFile(values.out, JSON.stringify(result, null, 2));
} finally {
  await rm(work, { recursive: true, force: true });
}
