// The phases of `train` between rounds and after the last one: score the training data with the
// frozen model and draw the next round's data by loss (recorded in rounds/round-N.json), and
// score it once more at the end to record how the drawn data's loss moved (final-scores.json).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LlamaModel } from '@tinylm/model';
import type { PackedData } from './data/dataset';
import { lossStats, sampleByLoss, scoreUnits, selectedSequences } from './refine';
import type { RunSettings } from './run-settings';

/** Reports scoring progress: sequences scored of all. */
export type ScoreProgress = (done: number, total: number) => void;

/** The data drawn for a refined round. */
export interface DrawnRound {
  round: number;
  /** The drawn sequences, in draw order. */
  selection: Uint32Array;
  /** rounds/round-N.json. */
  file: string;
}

/** Scores every unit after round `round` and draws round `round + 1`'s data. */
export async function drawNextRound(
  model: LlamaModel,
  data: PackedData,
  run: RunSettings,
  outDir: string,
  round: number,
  step: number,
  onScore: ScoreProgress,
): Promise<DrawnRound> {
  const { partition, granularity, temperature, sampleRate, seed, budget } = run;
  const scores = await scoreUnits(model, data, partition, granularity, run.scoreChunk, onScore);
  const picked = sampleByLoss(scores, budget.refined.drawn, temperature, seed, round + 1);
  const file = join(outDir, 'rounds', `round-${round + 1}.json`);
  const record = {
    round: round + 1,
    scored_after_round: round,
    step,
    granularity,
    temperature,
    sample_rate: sampleRate,
    steps: budget.roundSteps[round],
    units_total: budget.refined.units,
    units_selected: picked.length,
    loss_all: lossStats(scores),
    loss_selected: lossStats(picked.map((i) => scores[i])),
    selected_units: picked,
    selected_losses: picked.map((i) => scores[i]),
  };
  await writeFile(file, `${JSON.stringify(record)}\n`);
  return { round: round + 1, selection: selectedSequences(partition, picked, granularity), file };
}

/** Scores every unit after the last round; writes rounds/final-scores.json and returns its path. */
export async function writeFinalScores(
  model: LlamaModel,
  data: PackedData,
  run: RunSettings,
  outDir: string,
  step: number,
  onScore: ScoreProgress,
): Promise<string> {
  const scores = await scoreUnits(model, data, run.partition, run.granularity, run.scoreChunk, onScore);
  const perRound = [];
  for (let round = 2; round <= run.rounds; round++) {
    const drawn = JSON.parse(await readFile(join(outDir, 'rounds', `round-${round}.json`), 'utf8')) as {
      selected_units: number[];
      selected_losses: number[];
    };
    perRound.push({
      round,
      selected_loss_when_drawn: lossStats(drawn.selected_losses),
      selected_loss_at_end: lossStats(drawn.selected_units.map((i) => scores[i])),
    });
  }
  const file = join(outDir, 'rounds', 'final-scores.json');
  await writeFile(file, `${JSON.stringify({ step, granularity: run.granularity, loss_all: lossStats(scores), rounds: perRound })}\n`);
  return file;
}
