// The phase of `train` that prepares the run folder and finds where training starts: a fresh run
// (empty metrics, rounds/batches.json), or the newest readable checkpoint when resuming (weights
// and Adam moments restored, metrics after its step dropped). A fresh run into a folder that
// holds checkpoints, and a resume with other settings, are refused.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { AdamW } from '@tinylm/kernels';
import type { LlamaModel } from '@tinylm/model';
import { type LoadedCheckpoint, listCheckpoints, loadLatestCheckpoint, removeStaleTemps } from './checkpoint';
import { TrainerCheckpointError } from './errors';
import { MetricsLog } from './metrics';
import { firstDifference, type RunSettings } from './run-settings';

/** Where the run starts: step 0 of round 1, or a checkpoint's position. */
export interface RunStart {
  step: number;
  round: number;
  /** First micro-batch of `round` still to train. */
  position: number;
  /** The sequences of a refined round (undefined in round 1). */
  selection: Uint32Array | undefined;
  /** Seconds trained before this process (elapsed_s continues across a resume). */
  elapsed: number;
  resumedFrom: string | undefined;
  metrics: MetricsLog;
}

export async function startRun(
  outDir: string,
  resume: boolean,
  model: LlamaModel,
  optimizer: AdamW,
  run: RunSettings,
  warn: (message: string) => void,
): Promise<RunStart> {
  await mkdir(join(outDir, 'rounds'), { recursive: true });
  await removeStaleTemps(outDir);
  const metrics = new MetricsLog(join(outDir, 'metrics.jsonl'));
  const existing = await listCheckpoints(outDir);
  if (resume) {
    const checkpoint = await loadLatestCheckpoint(outDir, warn);
    if (checkpoint) return resumeFrom(checkpoint, model, optimizer, run, metrics);
  } else if (existing.length > 0) {
    throw new TrainerCheckpointError(
      `${outDir} already holds checkpoints (${existing[0].dir}); pass resume to continue it, or choose another folder`,
    );
  }
  await writeFile(metrics.path, '');
  const { partition, batchSize, seqLen } = run;
  const batches = Array.from({ length: partition.count }, (_, k) =>
    Array.from(partition.order.subarray(k * batchSize, (k + 1) * batchSize)),
  );
  await writeFile(join(outDir, 'rounds', 'batches.json'), `${JSON.stringify({ batch_size: batchSize, seq_len: seqLen, batches })}\n`);
  return { step: 0, round: 1, position: 0, selection: undefined, elapsed: 0, resumedFrom: undefined, metrics };
}

async function resumeFrom(
  checkpoint: LoadedCheckpoint,
  model: LlamaModel,
  optimizer: AdamW,
  run: RunSettings,
  metrics: MetricsLog,
): Promise<RunStart> {
  const moments = [...Object.values(checkpoint.m), ...Object.values(checkpoint.v)];
  const diff = firstDifference(run.record, checkpoint.state.settings);
  if (diff) {
    checkpoint.model.dispose();
    tf.dispose(moments);
    throw new TrainerCheckpointError(`cannot resume from ${checkpoint.dir}: the run settings differ (${diff})`);
  }
  for (const [name, param] of model.params) param.assign(checkpoint.model.params.get(name)!);
  checkpoint.model.dispose();
  optimizer.setState({ step: checkpoint.state.optimizerStep, m: checkpoint.m, v: checkpoint.v });
  tf.dispose(moments);
  const state = checkpoint.state;
  await metrics.truncateAfter(state.step);
  return {
    step: state.step,
    round: state.round,
    position: state.data_position.micro_batch,
    selection: state.data_position.selection ? Uint32Array.from(state.data_position.selection) : undefined,
    elapsed: state.elapsed ?? 0,
    resumedFrom: checkpoint.dir,
    metrics,
  };
}
