// The pieces every study's report is made of: one table row per arm (its shape, what it trained
// on, held-out bits per byte over seeds) with an optional comparison column, a bar chart of the
// means and the training curves of seed 0.
import { countParams, embeddingShare } from '@tinylm/arch-config';
import { barChartSvg, lineChartSvg } from '../../report/svg-chart';
import { type Arm, initLabel } from '../arm';
import type { ArmResult } from '../run-arms';
import { type ArmSummary, change, signed } from '../stats';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const shape = (s: ArmSummary) => {
  const c = s.arm.shape.config;
  return `${c.numLayers} × ${c.hiddenSize}, FFN ${c.intermediateSize}`;
};
const rounds = (s: ArmSummary) => (s.arm.rounds === 1 ? '1' : `${s.arm.rounds} at ${s.arm.sampleRate}`);

/** `2.9929 (2.9850–3.0007, sd 0.0079)`, the mean in bold. */
export function bpbCell(s: ArmSummary): string {
  return s.seeds > 1
    ? `**${s.mean.toFixed(4)}** (${s.min.toFixed(4)}–${s.max.toFixed(4)}, sd ${s.sd.toFixed(4)})`
    : `**${s.mean.toFixed(4)}**`;
}

/** `+0.1923 vs baseline: worse (spread 0.0354)`. */
export function changeCell(from: ArmSummary, to: ArmSummary): string {
  const c = change(from, to);
  return `${signed(c.delta)} vs ${from.arm.id}: ${c.verdict} (seed spread ${c.spread.toFixed(4)})`;
}

/**
 * One row per arm: what it is, vocabulary, shape, parameters and embedding share, init, rounds,
 * tokens and bytes of text, bits per byte; `compareTo` (arm id -> reference arm id) adds the change.
 */
export function armTable(rows: readonly ArmSummary[], compareTo: ReadonlyMap<string, string> = new Map()): string[] {
  const byId = new Map(rows.map((r) => [r.arm.id, r]));
  const withChange = compareTo.size > 0;
  const seeds = Math.max(...rows.map((r) => r.seeds));
  return [
    `| arm | vocab | layers × hidden | params | embedding share | init | rounds | tokens | text bytes | held-out bits/byte${seeds > 1 ? ` (min–max, sd; ${seeds} seeds)` : ''} |${withChange ? ' change |' : ''}`,
    `|---|---|---|---|---|---|---|---|---|---|${withChange ? '---|' : ''}`,
    ...rows.map((r) => {
      const c = r.arm.shape.config;
      const ref = compareTo.get(r.arm.id);
      const cells = [
        `${r.arm.id}: ${r.arm.what}`,
        n(c.vocabSize),
        shape(r),
        n(countParams(c).total),
        `${(embeddingShare(c) * 100).toFixed(1)}%`,
        initLabel(r.arm.init),
        rounds(r),
        n(r.tokens),
        n(r.textBytes),
        bpbCell(r),
      ];
      if (withChange) cells.push(ref && byId.has(ref) ? changeCell(byId.get(ref)!, r) : '');
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

/** Mean held-out bits per byte per arm as bars. */
export function meansChart(title: string, rows: readonly ArmSummary[]): string {
  return barChartSvg(
    title,
    'held-out bits per byte',
    rows.map((r) => ({ label: r.arm.label, value: r.mean })),
    4,
  );
}

/** Held-out bits per byte against `x(arm)` as lines: the mean of each arm and, with more than one seed, each seed's. */
export function meanAndSeedsChart(
  title: string,
  xLabel: string,
  rows: readonly ArmSummary[],
  results: readonly ArmResult[],
  x: (arm: Arm) => number,
): string {
  const seeds = [...new Set(results.map((r) => r.seed))].sort((a, b) => a - b);
  const perSeed = seeds.map((seed) => ({
    name: `seed ${seed}`,
    points: results
      .filter((r) => r.seed === seed && typeof r.heldOutBitsPerByte === 'number')
      .map((r) => [x(r.arm), r.heldOutBitsPerByte!] as [number, number])
      .sort((a, b) => a[0] - b[0]),
  }));
  return lineChartSvg(title, xLabel, 'held-out bits per byte', [
    { name: 'mean', points: rows.map((r) => [x(r.arm), r.mean] as [number, number]) },
    ...(seeds.length > 1 ? perSeed : []),
  ]);
}

/** Bits per byte on the first 64 held-out sequences during training, seed 0 of each arm. */
export function curvesChart(title: string, results: readonly ArmResult[]): string {
  return lineChartSvg(
    title,
    'step',
    'bits per byte',
    results
      .filter((r) => r.seed === 0)
      .map((r) => ({
        name: r.arm.label,
        points: r.metrics
          .filter((m) => typeof m.val_bpb === 'number')
          .map((m) => [m.step as number, m.val_bpb as number] as [number, number]),
      })),
  );
}

export const CURVES_NOTE =
  'The curves are scored on the first 64 held-out sequences (the start of the split, English) to keep evaluation cheap; ' +
  'the table scores the whole split.';
