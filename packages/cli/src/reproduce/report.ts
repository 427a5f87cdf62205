// A study's outputs, in its own folder of the output directory: reproduction.md (the common
// header, the paper's figure, the study's tables and verdicts), results.json (every number of
// every run) and the study's SVG charts.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countParams, type LlamaConfig } from '@tinylm/arch-config';
import type { BackendReport } from '@tinylm/kernels';
import { clock } from '../progress';
import type { ArmResult, TrainSettings } from './run-arms';
import type { Study, StudyReport } from './studies/study';

export interface StudyRun {
  command: string;
  date: string;
  backend: BackendReport;
  machine: string;
  settings: TrainSettings & { params: number; steps: number; sampleRate: number };
  teacher: { config: LlamaConfig; hf: string; steps: number; tokens: number; heldOutBitsPerByte: number | null };
  tokenizers: { big: number; compact: number; compactCoveragePercent: number };
  data: { studentTextBytes: number; heldOutBytes: number };
  results: ArmResult[];
  /** This invocation's time on the study's arms (reused runs take ~0 s). */
  studySeconds: number;
  /** The training time of the study's runs, summed, whichever invocation trained them. */
  trainedSeconds: number;
  /** This invocation's time per stage, cumulative over the studies run before this one too. */
  timings: Record<string, number>;
  totalSeconds: number;
}

const n = (x: number) => x.toLocaleString('en-US');

export async function writeStudyReport(
  out: string,
  study: Study,
  run: StudyRun,
  report: StudyReport,
): Promise<{ dir: string; markdown: string }> {
  const dir = join(out, study.name);
  await mkdir(dir, { recursive: true });
  for (const [name, svg] of Object.entries(report.charts)) await writeFile(join(dir, name), svg);
  const s = run.settings;
  const t = run.teacher;
  const lines = [
    `# tinylm reproduce --study ${study.name}: ${study.title}`,
    '',
    `Command: \`${run.command}\`  `,
    `Date: ${run.date}; machine: ${run.machine}; backend: ${run.backend.backend}${run.backend.adapter ? ` (${run.backend.adapter})` : ''}.  `,
    `Run time: the study's ${n(run.results.length)} runs trained for ${clock(run.trainedSeconds * 1000)} in all ` +
      `(whichever invocation trained them); this invocation spent ${clock(run.studySeconds * 1000)} on them, ` +
      `${clock(run.totalSeconds * 1000)} since its start (${Object.entries(run.timings)
        .map(([k, v]) => `${k} ${clock(v * 1000)}`)
        .join(', ')}; reused steps take ~0 s).`,
    '',
    `The paper: ${study.paper}.`,
    '',
    `Every arm: about ${n(s.params)} parameters (±10%), ${n(s.steps)} optimizer steps of ${s.batch} × ${s.seq} tokens unless the table says otherwise, ` +
      `AdamW at peak lr ${s.lr} with 3% warmup and cosine decay to ${s.lr / 10}, on the same ${n(run.data.studentTextBytes)} bytes of student text, ` +
      `${s.seeds} seed(s) (the seed sets the init and the data order); scored on the whole held-out split (${n(run.data.heldOutBytes)} bytes, ` +
      `never trained on) in bits per byte, which does not depend on the tokenizer. Tokenizers: big ${n(run.tokenizers.big)} (the teacher's), ` +
      `compact ${n(run.tokenizers.compact)} (${run.tokenizers.compactCoveragePercent.toFixed(2)}% of the big one's counted tokens). ` +
      `Teacher: ${t.config.numLayers} × ${t.config.hiddenSize}, FFN ${t.config.intermediateSize}, vocabulary ${n(t.config.vocabSize)}, ` +
      `${n(countParams(t.config).total)} parameters${t.steps ? `, trained ${n(t.steps)} steps (${n(t.tokens)} tokens)` : ' (given)'}, ` +
      `${t.heldOutBitsPerByte?.toFixed(4) ?? 'n/a'} held-out bits per byte.`,
    '',
    ...report.lines,
    '',
  ];
  const markdown = join(dir, 'reproduction.md');
  await writeFile(markdown, lines.join('\n'));
  const results = run.results.map(({ metrics, ...r }) => ({ ...r, arm: { ...r.arm, shape: r.arm.shape.config } }));
  await writeFile(
    join(dir, 'results.json'),
    `${JSON.stringify({ study: study.name, ...run, results, summary: report.summary }, null, 1)}\n`,
  );
  return { dir, markdown };
}
