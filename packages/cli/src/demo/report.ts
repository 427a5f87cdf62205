// The demo's report: report.md with the numbers of every step and the samples, and
// loss-curves.svg (teacher and student training loss, held-out bits per byte).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countParams, embeddingShare, type ArchCandidate, type LlamaConfig } from '@tinylm/arch-config';
import type { BackendReport } from '@tinylm/kernels';
import type { EvalResult } from '@tinylm/multi-round-trainer';
import type { PruneReport } from '@tinylm/tokenizer-prune';
import { lineChartSvg } from '../report/svg-chart';

export interface DemoFacts {
  backend: BackendReport;
  out: string;
  timings: Record<string, number>;
  totalSeconds: number;
  teacherTokenizer: PruneReport | null;
  studentTokenizer: PruneReport;
  teacherConfig: LlamaConfig;
  studentConfig: LlamaConfig;
  search: { candidates: number; chosen: ArchCandidate };
  studentBefore: { inherited: EvalResult; random: EvalResult };
  teacherMetrics: Record<string, unknown>[];
  studentMetrics: Record<string, unknown>[];
  rounds: { units_total: number; units_selected: number; loss_all: { mean: number }; loss_selected: { mean: number } };
  finalScores: { rounds: { selected_loss_when_drawn: { mean: number }; selected_loss_at_end: { mean: number } }[] };
  inheritReport: unknown;
  samples: { who: string; prompt: string; text: string }[];
  exported: { hf: string; gguf: string };
}

const n = (x: number) => x.toLocaleString('en-US');
const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const pts = (rows: Record<string, unknown>[], key: string) =>
  rows.filter((r) => typeof r[key] === 'number').map((r) => [r.step as number, r[key] as number] as [number, number]);

/** Tokens trained on (the last step's running count). */
function tokensSeen(rows: Record<string, unknown>[]): string {
  const last = rows.filter((r) => typeof r.loss === 'number').at(-1);
  return last ? (last.tokens as number).toLocaleString('en-US') : '0';
}

function tokensPerSecond(rows: Record<string, unknown>[]): number {
  const steps = rows.filter((r) => typeof r.loss === 'number');
  const last = steps.at(-1);
  return last ? (last.tokens as number) / (last.elapsed_s as number) : 0;
}

export async function writeReport(x: DemoFacts): Promise<string> {
  const svg = join(x.out, 'loss-curves.svg');
  await writeFile(
    svg,
    lineChartSvg('tinylm demo: training loss', 'step', 'loss (nats / token)', [
      { name: 'teacher', points: pts(x.teacherMetrics, 'loss') },
      { name: 'student', points: pts(x.studentMetrics, 'loss') },
      { name: 'student held-out', points: pts(x.studentMetrics, 'val_loss') },
    ]),
  );
  const bpbSvg = join(x.out, 'bits-per-byte.svg');
  await writeFile(
    bpbSvg,
    lineChartSvg('held-out bits per byte', 'step', 'bits per byte', [
      { name: 'teacher', points: pts(x.teacherMetrics, 'val_bpb') },
      { name: 'student', points: pts(x.studentMetrics, 'val_bpb') },
    ]),
  );
  const sv = x.studentTokenizer;
  const tv = x.teacherTokenizer;
  const lastEval = (rows: Record<string, unknown>[]) => rows.filter((r) => typeof r.val_loss === 'number').at(-1);
  const te = lastEval(x.teacherMetrics);
  const se = lastEval(x.studentMetrics);
  const shape = (c: LlamaConfig) =>
    `${c.numLayers} layers, hidden ${c.hiddenSize}, ${c.numHeads} heads, FFN ${c.intermediateSize}, vocab ${n(c.vocabSize)}: ` +
    `${n(countParams(c).total)} parameters, embedding + head ${(embeddingShare(c) * 100).toFixed(1)}%`;
  const lines = [
    '# tinylm demo report',
    '',
    `Backend: ${x.backend.backend}${x.backend.adapter ? ` (${x.backend.adapter})` : ''}. Run time ${x.totalSeconds.toFixed(0)} s ` +
      `(${Object.entries(x.timings)
        .map(([k, v]) => `${k} ${v.toFixed(0)} s`)
        .join(', ')}; reused steps take ~0 s).`,
    '',
    '![loss curves](loss-curves.svg) ![bits per byte](bits-per-byte.svg)',
    '',
    '## 1-2. Compact tokenizers',
    '',
    '| tokenizer | vocabulary | coverage of counted tokens | tokens per byte (held-out) |',
    '|---|---|---|---|',
    ...(tv
      ? [
          `| Qwen3 (big) | ${n(tv.tokenizer.vocabSize)} | 100% | ${f(tv.heldOut?.tokensPerByteBefore, 4)} |`,
          `| teacher (Qwen3 pruned) | ${n(tv.pruned.vocabSize)} | ${tv.coveragePercent.toFixed(2)}% | ${f(tv.heldOut?.tokensPerByteAfter, 4)} |`,
        ]
      : []),
    `| student (teacher pruned) | ${n(sv.pruned.vocabSize)} | ${sv.coveragePercent.toFixed(2)}% of the teacher's | ${f(sv.heldOut?.tokensPerByteAfter, 4)} |`,
    '',
    '## 3. Shapes',
    '',
    `- teacher: ${shape(x.teacherConfig)}`,
    `- student: ${shape(x.studentConfig)} — the deepest of ${x.search.candidates} shapes within the budget (arch-config search, depth first)`,
    '',
    '## 4-6. Training',
    '',
    '| model | steps | tokens trained on | tokens/s | final held-out loss | bits per byte |',
    '|---|---|---|---|---|---|',
    ...(x.teacherMetrics.length
      ? [
          `| teacher | ${pts(x.teacherMetrics, 'loss').length} | ${tokensSeen(x.teacherMetrics)} | ${tokensPerSecond(x.teacherMetrics).toFixed(0)} | ${f(te?.val_loss as number)} | ${f(te?.val_bpb as number)} |`,
        ]
      : []),
    `| student, random init (untrained) | 0 | 0 | | ${f(x.studentBefore.random.loss)} | ${f(x.studentBefore.random.bitsPerByte)} |`,
    `| student, inherited (untrained) | 0 | 0 | | ${f(x.studentBefore.inherited.loss)} | ${f(x.studentBefore.inherited.bitsPerByte)} |`,
    `| student, after 2 rounds | ${pts(x.studentMetrics, 'loss').length} | ${tokensSeen(x.studentMetrics)} | ${tokensPerSecond(x.studentMetrics).toFixed(0)} | ${f(se?.val_loss as number)} | ${f(se?.val_bpb as number)} |`,
    '',
    `Round 2 drew ${x.rounds.units_selected} of ${x.rounds.units_total} batches by p ∝ exp(loss): their mean loss was ` +
      `${f(x.rounds.loss_selected.mean)} against ${f(x.rounds.loss_all.mean)} for all batches; by the end of round 2 it was ` +
      `${f(x.finalScores.rounds[0]?.selected_loss_at_end.mean)}.`,
    '',
    '## 7. Exports',
    '',
    `- Hugging Face folder: \`${x.exported.hf}\``,
    `- GGUF for llama.cpp: \`${x.exported.gguf}\``,
    '',
    '## 8. Samples (temperature 0.8, top-k 40)',
    '',
    ...x.samples.map((s) => `- **${s.who}**, prompt “${s.prompt}”: ${s.text.replace(/\s+/g, ' ')}`),
    '',
  ];
  const path = join(x.out, 'report.md');
  await writeFile(path, lines.join('\n'));
  return path;
}
