// The multi-round trainer's events on a status line, one format for `train`, `demo` and
// `reproduce`: steps (loss, learning rate, tokens/s, ETA) rewritten in place, evaluations,
// drawn rounds and warnings as permanent lines. The steps of every round come from the trainer's
// `start` event, so the CLI reports the plan the API made.
import type { TrainEvent } from '@tinylm/multi-round-trainer';
import { clock, type StatusLine } from './progress';

/** `label` prefixes every line (e.g. "teacher"), for commands that train several models. */
export function trainerProgress(status: StatusLine, label?: string): (e: TrainEvent) => void {
  const p = label ? `${label}: ` : '';
  return (e) => {
    if (e.kind === 'start') {
      status.final(
        `${p}${e.batches} batches, ${roundPlan(e.roundSteps)}${e.stepPath === 'tfjs' ? '' : ` (${e.stepPath})`}` +
          (e.resumedFrom ? `, resuming from ${e.resumedFrom} (step ${e.startStep})` : ''),
      );
    } else if (e.kind === 'step') {
      status.update(
        `${p}round ${e.round} step ${e.step}/${e.totalSteps}  loss ${e.loss.toFixed(4)}  lr ${e.lr.toExponential(2)}  ` +
          `${Math.round(e.tokensPerSecond).toLocaleString('en-US')} tok/s  ETA ${clock(e.etaSeconds * 1000)}`,
        e.step === e.totalSteps,
      );
    } else if (e.kind === 'eval') {
      const bpb = e.result.bitsPerByte === null ? '' : `  bpb ${e.result.bitsPerByte.toFixed(4)}`;
      status.final(
        `${p}eval at step ${e.step} (round ${e.round}): loss ${e.result.loss.toFixed(4)}  ppl ${e.result.perplexity.toFixed(2)}${bpb}`,
      );
    } else if (e.kind === 'score') {
      const purpose = e.for === 'final-scores' ? `after round ${e.round} (final scores)` : `for round ${e.round + 1}`;
      status.update(`${p}scoring the training data ${purpose}: ${e.done}/${e.total} sequences`, e.done === e.total);
    } else if (e.kind === 'round') {
      status.final(`${p}round ${e.round} data drawn: ${e.file}`);
    } else if (e.kind === 'warn') {
      status.final(`${p}warning: ${e.message}`);
    }
  };
}

/** "12 steps" for one round; "12 + 6 = 18 steps (rounds 1, 2)" for several. */
export function roundPlan(roundSteps: readonly number[]): string {
  const total = roundSteps.reduce((a, b) => a + b, 0);
  if (roundSteps.length === 1) return `${total} steps`;
  return `${roundSteps.join(' + ')} = ${total} steps (rounds ${roundSteps.map((_, i) => i + 1).join(', ')})`;
}
