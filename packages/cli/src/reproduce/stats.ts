// The statistics the reports use: per arm the mean held-out bits per byte over seeds with its
// spread, the change between two arms and whether it is larger than the seeds' spread, and
// Spearman's rank correlation (the paper's depth statistic).
import type { Arm } from './arm';
import type { ArmResult } from './run-arms';

export interface ArmSummary {
  arm: Arm;
  seeds: number;
  /** Mean held-out bits per byte over seeds, the lowest and highest seed, and the sample standard deviation (0 for one seed). */
  mean: number;
  min: number;
  max: number;
  sd: number;
  /** Mean tokens and bytes of student text trained on. */
  tokens: number;
  textBytes: number;
  /** Wall seconds of all seeds. */
  seconds: number;
}

export function summarizeArms(results: readonly ArmResult[]): ArmSummary[] {
  const byArm = new Map<string, ArmResult[]>();
  for (const r of results) byArm.set(r.arm.id, [...(byArm.get(r.arm.id) ?? []), r]);
  return [...byArm.values()].map((runs) => {
    const bpb = runs.map((r) => r.heldOutBitsPerByte ?? Number.NaN);
    const m = mean(bpb);
    return {
      arm: runs[0].arm,
      seeds: runs.length,
      mean: m,
      min: Math.min(...bpb),
      max: Math.max(...bpb),
      sd: runs.length > 1 ? Math.sqrt(bpb.reduce((s, x) => s + (x - m) ** 2, 0) / (runs.length - 1)) : 0,
      tokens: mean(runs.map((r) => r.tokens)),
      textBytes: mean(runs.map((r) => r.textBytes)),
      seconds: runs.reduce((s, r) => s + r.seconds, 0),
    };
  });
}

export type Verdict = 'better' | 'worse' | 'within noise' | 'one seed';

export interface Change {
  /** `to.mean - from.mean` (negative: `to` is better). */
  delta: number;
  /** The larger of the two arms' seed ranges (max - min). */
  spread: number;
  /** Better or worse when |delta| exceeds that spread; within noise otherwise. */
  verdict: Verdict;
}

export function change(from: ArmSummary, to: ArmSummary): Change {
  const delta = to.mean - from.mean;
  const spread = Math.max(from.max - from.min, to.max - to.min);
  if (from.seeds < 2 || to.seeds < 2) return { delta, spread, verdict: 'one seed' };
  const verdict = Math.abs(delta) <= spread ? 'within noise' : delta < 0 ? 'better' : 'worse';
  return { delta, spread, verdict };
}

/** Spearman's rank correlation of two equally long series (ties get their mean rank). */
export function spearman(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length || x.length < 2)
    throw new Error(`spearman: need two series of equal length >= 2, got ${x.length} and ${y.length}`);
  const rx = ranks(x);
  const ry = ranks(y);
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

function ranks(v: readonly number[]): number[] {
  const order = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(v.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** `+0.1234` / `-0.1234`. */
export const signed = (x: number, digits = 4) => `${x > 0 ? '+' : ''}${x.toFixed(digits)}`;
