// The ladder's outputs: results.json (every number), reproduction.md (the table, with the change
// each rung made and the spread over seeds) and ladder.svg (a bar chart like the authors'
// improvement figure, held-out bits per byte: lower is better).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countParams, embeddingShare, type LlamaConfig } from '@tinylm/arch-config';
import type { BackendReport } from '@tinylm/kernels';
import { barChartSvg, lineChartSvg } from '../report/svg-chart';
import type { Rung } from './ladder';

export interface RungResult {
  rung: Rung;
  seed: number;
  config: LlamaConfig;
  steps: number;
  tokens: number;
  heldOutLoss: number;
  heldOutBitsPerByte: number | null;
  heldOutTokens: number;
  seconds: number;
  metrics: Record<string, unknown>[];
}

export interface LadderResult {
  command: string;
  date: string;
  backend: BackendReport;
  machine: string;
  budget: { params: number; steps: number; batch: number; seq: number; tokens: number; lr: number; seeds: number; sampleRate: number };
  teacher: { config: LlamaConfig; hf: string; steps: number; heldOutBitsPerByte: number | null; metrics: Record<string, unknown>[] };
  tokenizers: {
    big: number;
    compact: number;
    compactCoveragePercent: number;
    heldOutBytesPerToken: { big: number | null; compact: number | null };
  };
  data: { studentTextBytes: number; heldOutBytes: number };
  results: RungResult[];
  timings: Record<string, number>;
  totalSeconds: number;
}

export interface RungSummary {
  rung: Rung;
  config: LlamaConfig;
  /** Mean held-out bits per byte over seeds, and the lowest and highest seed. */
  mean: number;
  min: number;
  max: number;
  /** mean minus the previous rung's mean (negative: better); null for the first rung. */
  delta: number | null;
  seconds: number;
}

/** One row per rung, in ladder order, with the change from the rung before. */
export function summarize(results: readonly RungResult[]): RungSummary[] {
  const byRung = new Map<string, RungResult[]>();
  for (const r of results) byRung.set(r.rung.id, [...(byRung.get(r.rung.id) ?? []), r]);
  const rows: RungSummary[] = [];
  for (const runs of byRung.values()) {
    const bpb = runs.map((r) => r.heldOutBitsPerByte ?? Number.NaN);
    const mean = bpb.reduce((a, b) => a + b, 0) / bpb.length;
    const prev = rows.at(-1);
    rows.push({
      rung: runs[0].rung,
      config: runs[0].config,
      mean,
      min: Math.min(...bpb),
      max: Math.max(...bpb),
      delta: prev ? mean - prev.mean : null,
      seconds: runs.reduce((s, r) => s + r.seconds, 0),
    });
  }
  return rows;
}

const n = (x: number) => x.toLocaleString('en-US');
const shape = (c: LlamaConfig) => `${c.numLayers} × ${c.hiddenSize}, FFN ${c.intermediateSize}, ${c.numHeads} heads`;

export function ladderTable(rows: readonly RungSummary[], seeds: number): string[] {
  const spread = seeds > 1 ? ` (min–max over ${seeds} seeds)` : '';
  return [
    `| rung | adds | vocab | layers × hidden | params | embedding share | init | rounds | held-out bits/byte${spread} | change |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r, i) => {
      const c = r.config;
      const range = seeds > 1 ? ` (${r.min.toFixed(4)}–${r.max.toFixed(4)})` : '';
      const change = r.delta === null ? '' : `${r.delta > 0 ? '+' : ''}${r.delta.toFixed(4)}`;
      return `| ${i + 1} | ${r.rung.adds} | ${n(c.vocabSize)} | ${shape(c)} | ${n(countParams(c).total)} | ${(embeddingShare(c) * 100).toFixed(1)}% | ${r.rung.init} | ${r.rung.rounds} | **${r.mean.toFixed(4)}**${range} | ${change} |`;
    }),
  ];
}

export async function writeLadderReport(out: string, x: LadderResult): Promise<{ markdown: string; chart: string; json: string }> {
  const rows = summarize(x.results);
  const chart = join(out, 'ladder.svg');
  await writeFile(
    chart,
    barChartSvg(
      'tinylm reproduce: held-out bits per byte after each strategy (lower is better)',
      'bits per byte',
      rows.map((r) => ({ label: r.rung.label, value: r.mean })),
      4,
    ),
  );
  const curves = join(out, 'ladder-curves.svg');
  await writeFile(
    curves,
    lineChartSvg(
      'bits per byte during training, first 64 held-out sequences (seed 0)',
      'step',
      'bits per byte',
      x.results
        .filter((r) => r.seed === 0)
        .map((r) => ({
          name: r.rung.label,
          points: r.metrics
            .filter((m) => typeof m.val_bpb === 'number')
            .map((m) => [m.step as number, m.val_bpb as number] as [number, number]),
        })),
    ),
  );
  const b = x.budget;
  const lines = [
    '# tinylm reproduce: the PanGu-π Pro ladder at tiny scale',
    '',
    `Command: \`${x.command}\`  `,
    `Date: ${x.date}; machine: ${x.machine}; backend: ${x.backend.backend}${x.backend.adapter ? ` (${x.backend.adapter})` : ''}.  `,
    `Run time: ${x.totalSeconds.toFixed(0)} s (${Object.entries(x.timings)
      .map(([k, v]) => `${k} ${v.toFixed(0)} s`)
      .join(', ')}; reused steps take ~0 s).`,
    '',
    `Every rung: about ${n(b.params)} parameters (±10%), ${n(b.steps)} optimizer steps of ${b.batch} × ${b.seq} tokens ` +
      `(${n(b.tokens)} tokens), AdamW at peak lr ${b.lr} with 3% warmup and cosine decay to ${b.lr / 10}, the same ` +
      `${n(x.data.studentTextBytes)} bytes of student text; scored on the whole held-out split (${n(x.data.heldOutBytes)} bytes) ` +
      `in bits per byte. Tokenizers: big ${n(x.tokenizers.big)} (the teacher's), compact ${n(x.tokenizers.compact)} ` +
      `(${x.tokenizers.compactCoveragePercent.toFixed(2)}% of the big one's counted tokens); held-out bytes per token ` +
      `${x.tokenizers.heldOutBytesPerToken.big?.toFixed(3) ?? 'n/a'} (big) and ${x.tokenizers.heldOutBytesPerToken.compact?.toFixed(3) ?? 'n/a'} (compact), ` +
      `so the same token budget covers that much less text with the compact one. Teacher: ${shape(x.teacher.config)}, ` +
      `vocab ${n(x.teacher.config.vocabSize)}, ${n(countParams(x.teacher.config).total)} parameters${x.teacher.steps ? `, trained ${x.teacher.steps} steps` : ''}, ` +
      `${x.teacher.heldOutBitsPerByte?.toFixed(4) ?? 'n/a'} held-out bits per byte.`,
    '',
    ...ladderTable(rows, b.seeds),
    '',
    '![ladder](ladder.svg)',
    '',
    '![curves](ladder-curves.svg)',
    '',
    'The curves are scored on the first 64 held-out sequences (the start of the split, English) to keep ' +
      'evaluation cheap; the table scores the whole split. Curves of the two tokenizers cover different ' +
      'amounts of text, so compare them within a tokenizer.',
    '',
  ];
  const markdown = join(out, 'reproduction.md');
  await writeFile(markdown, lines.join('\n'));
  const json = join(out, 'results.json');
  await writeFile(json, `${JSON.stringify({ ...x, results: x.results.map(({ metrics, ...r }) => r), summary: rows }, null, 1)}\n`);
  return { markdown, chart, json };
}
