// inherit-report.json: what an inheritance kept and why. Written into the output folder (and
// returned by inheritParams). Indices are source indices; scores are the criterion's (larger =
// more important; for learned masks, the final log-alphas), rounded to 6 significant digits.
import type { CalibrationReport } from './calibration';
import type { MaskStep } from './learned-masks';

export const REPORT_FORMAT = 'tinylm.inherit-report';
export const REPORT_VERSION = 1;

/** Kept units of one structure with the scores that chose them (null scores: nothing to choose). */
export interface KeptUnits {
  kept: number[];
  scores: number[] | null;
}

/** The report written as inherit-report.json. */
export interface InheritReport {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  source: { dir: string; dtype: string; config: Record<string, unknown> };
  target: { config: Record<string, unknown>; dtype: string; parameters: number };
  criteria: {
    layers: string;
    width: string;
    /** first-last: how many leading / trailing layers were kept. */
    firstLast?: { first: number; last: number };
    /** Metric that produced each structure's scores ("identity" where nothing was removed). */
    scoredBy: { layers: string; heads: string; kvHeads: string; ffn: string; hidden: string };
  };
  calibration: CalibrationReport | null;
  vocabulary: { map: string | null; kept: number; source: number; tokenizerFrom: string | null };
  layers: KeptUnits;
  /** Per target layer. */
  attention: { layer: number; sourceLayer: number; kvHeads: KeptUnits; heads: KeptUnits }[];
  ffn: { layer: number; sourceLayer: number; neurons: KeptUnits }[];
  hidden: KeptUnits;
  learned: {
    steps: number;
    options: Record<string, unknown>;
    lambdas: Record<string, [number, number]>;
    /** Every step's LM loss, Lagrangian and expected sizes (subsampled to at most 200 entries). */
    history: MaskStep[];
    targets: Record<string, number>;
    /** Mask values folded into the weights, per structure (RMSNorm scale sqrt(C / C') included). */
    folded: Record<string, unknown>;
  } | null;
  notes: string[];
  /** Wall-clock seconds per phase and bytes read from the source. */
  timing: { seconds: number; phases: Record<string, number>; bytesRead: number };
}

/** Rounds to 6 significant digits (reports stay readable; ranks are computed before rounding). */
export function round6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

export function kept(kept: readonly number[], scores: ArrayLike<number> | undefined): KeptUnits {
  return { kept: [...kept], scores: scores ? Array.from(scores, round6) : null };
}

/** The report as JSON: 2-space indent, arrays of numbers on one line (FFN lists stay compact). */
export function stringifyReport(report: InheritReport): string {
  const text = JSON.stringify(report, null, 2).replace(
    /\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g,
    (_, inner: string) => `[${inner.replace(/\s+/g, '')}]`,
  );
  return `${text}\n`;
}
