// Learning-rate schedule of the PanGu-π Pro config (configs/LLM1B.py): linear warmup over
// `warmupRatio` of the steps (3%), then cosine decay from `lr` to `minLr` (1e-4 -> 1e-5) at the
// last step. One schedule spans every round of a run.
import { parseOptions } from '@tinylm/errors';
import { lrSchedule } from './options';

export interface LrSchedule {
  lr: number;
  minLr: number;
  warmupRatio: number;
  totalSteps: number;
}

/** The rate for optimizer step `step` (0-based). */
export function lrAt(step: number, s: LrSchedule): number {
  s = parseOptions(lrSchedule, s, 'lrAt');
  const warmup = Math.max(1, Math.round(s.warmupRatio * s.totalSteps));
  if (step < warmup) return (s.lr * (step + 1)) / warmup;
  const span = Math.max(1, s.totalSteps - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  return s.minLr + 0.5 * (s.lr - s.minLr) * (1 + Math.cos(Math.PI * progress));
}
