// Phase 1 of `inheritParams`: with the source open (headers only), read and check the vocabulary
// map, settle the target shape, and decide what must be scored and which criteria need data.
import type { InheritOptions, InheritProgress, WidthCriterion } from '../inherit';
import { VocabMapError } from '../errors';
import { anyScoreNeeded, scoreNeeds } from '../scores';
import type { LayerCriterion } from '../select-layers';
import type { SourceModel } from '../source-model';
import { checkTarget } from '../target';
import { readVocabMap, type VocabMap } from '../vocab-map';
import type { InheritContext } from './context';

export async function openPhase(
  options: InheritOptions,
  source: SourceModel,
  criteria: { layers: LayerCriterion; width: WidthCriterion },
  progress: (p: InheritProgress) => void,
): Promise<InheritContext> {
  const sourceConfig = source.config;
  const vocab = await vocabularyOf(options.vocabMap, sourceConfig.vocabSize);
  const target = checkTarget(sourceConfig, options.to, vocab);
  const needs = scoreNeeds(target.shrinks);
  const { layers, width } = criteria;
  return {
    options,
    source,
    sourceConfig,
    target,
    vocab,
    vocabRows: vocab ? Array.from(vocab.oldIds) : null,
    needs,
    layerCriterion: layers,
    widthCriterion: width,
    depthNeedsData: target.shrinks.layers && (layers === 'block-influence' || layers === 'learned'),
    widthNeedsData: anyScoreNeeded(needs) && (width === 'activation' || width === 'taylor' || width === 'learned'),
    progress,
  };
}

/** The vocabulary map (read when a path), every old id checked against the source vocabulary. */
async function vocabularyOf(map: string | VocabMap | undefined, sourceVocab: number): Promise<VocabMap | undefined> {
  if (map === undefined) return undefined;
  const vocab = typeof map === 'string' ? await readVocabMap(map, sourceVocab) : map;
  const bad = vocab.oldIds.find((id) => id >= sourceVocab);
  if (bad !== undefined) {
    throw new VocabMapError(`${vocab.source}: old id ${bad} is outside the source vocabulary (vocab_size ${sourceVocab})`, {
      file: vocab.source,
    });
  }
  return vocab;
}
