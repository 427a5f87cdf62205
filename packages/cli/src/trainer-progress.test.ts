// The trainer's events as the CLI prints them: the start line lists every round's planned steps
// (from the trainer's `start` event), and scoring says which round it draws data for, or that it
// is the final scoring after the last round (never a round past the last).
import type { TrainEvent } from '@tinylm/multi-round-trainer';
import { describe, expect, it } from 'vitest';
import type { StatusLine } from './progress';
import { roundPlan, trainerProgress } from './trainer-progress';

function recorder(): { status: StatusLine; lines: string[] } {
  const lines: string[] = [];
  return { status: { update: (text) => void lines.push(text), final: (text) => void lines.push(text) }, lines };
}

describe('trainerProgress', () => {
  it('prints the planned steps of every round from the start event', () => {
    const { status, lines } = recorder();
    const onEvent = trainerProgress(status, 'student');
    onEvent({ kind: 'start', roundSteps: [12, 6], totalSteps: 18, startStep: 0, batches: 160, refinedBatches: 6, stepPath: 'tfjs' });
    expect(lines).toEqual(['student: 160 batches, 12 + 6 = 18 steps (rounds 1, 2)']);
    expect(roundPlan([40])).toBe('40 steps');
  });

  it('scoring in a two-round run names round 2, then the final scores after round 2', () => {
    const { status, lines } = recorder();
    const onEvent = trainerProgress(status);
    const events: TrainEvent[] = [
      { kind: 'score', round: 1, for: 'next-round', done: 32, total: 32 },
      { kind: 'score', round: 2, for: 'final-scores', done: 32, total: 32 },
    ];
    events.forEach(onEvent);
    expect(lines).toEqual([
      'scoring the training data for round 2: 32/32 sequences',
      'scoring the training data after round 2 (final scores): 32/32 sequences',
    ]);
    expect(lines.join('\n')).not.toMatch(/round 3/);
  });
});
