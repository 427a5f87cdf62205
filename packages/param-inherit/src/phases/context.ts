// What the phases of `inheritParams` share, settled by the open phase and never changed after:
// the options, the opened source, the checked target and vocabulary map, what must be scored.
// Also the cache of source weights the data-driven phases load (one owner, disposed at the end).
import type * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from '@tinylm/arch-config';
import { loadWeights } from '../data-scores';
import type { InheritOptions, InheritProgress, WidthCriterion } from '../inherit';
import type { MaskTargets, MaskTrainingResult } from '../learned-masks';
import type { ScoreNeeds } from '../scores';
import type { LayerCriterion } from '../select-layers';
import type { SourceModel } from '../source-model';
import type { TargetCheck } from '../target';
import type { VocabMap } from '../vocab-map';

export interface InheritContext {
  readonly options: InheritOptions;
  readonly source: SourceModel;
  /** The source's config (source.config). */
  readonly sourceConfig: LlamaConfig;
  readonly target: TargetCheck;
  readonly vocab: VocabMap | undefined;
  /** The source rows of the kept vocabulary (null without a map). */
  readonly vocabRows: number[] | null;
  readonly needs: ScoreNeeds;
  readonly layerCriterion: LayerCriterion;
  readonly widthCriterion: WidthCriterion;
  /** The depth / width criteria need forward passes over calibration data. */
  readonly depthNeedsData: boolean;
  readonly widthNeedsData: boolean;
  readonly progress: (p: InheritProgress) => void;
}

/** A run of the learned hard-concrete masks: the result, on which source layers, toward which targets. */
export interface MaskRun {
  readonly result: MaskTrainingResult;
  readonly layers: number[];
  readonly targets: MaskTargets;
}

/** Source weights loaded in float32 for the data-driven criteria, by tensor name. */
export class WeightCache {
  private loaded: Map<string, tf.Variable> | undefined;

  constructor(private readonly source: SourceModel) {}

  /** Loads the named tensors not yet held; returns every held tensor. */
  async ensure(names: readonly string[]): Promise<Map<string, tf.Variable>> {
    const loaded = (this.loaded ??= new Map());
    const missing = names.filter((n) => !loaded.has(n));
    for (const [name, value] of await loadWeights(this.source.checkpoint, missing)) loaded.set(name, value);
    return loaded;
  }

  /** Disposes every held tensor not named. */
  keepOnly(names: readonly string[]): void {
    if (!this.loaded) return;
    const keep = new Set(names);
    for (const [name, value] of this.loaded) if (!keep.has(name)) value.dispose(), this.loaded.delete(name);
  }

  dispose(): void {
    this.keepOnly([]);
  }
}
