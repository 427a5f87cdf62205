// Checks a target shape against the source and settles the output config. Inheritance keeps
// whole units of the source (layers, heads with their head size, KV groups, FFN neurons, hidden
// channels, vocabulary rows), so the target must be no larger in any dimension, keep the head
// size (whole heads keep their rotary channel pairs: RoPE stays valid), and have no more query
// heads per KV head than the source (a query head cannot move to another KV group).
import { type LlamaConfig, type LlamaConfigInput, resolveConfig } from '@tinylm/arch-config';
import { TargetShapeError } from './errors';
import type { VocabMap } from './vocab-map';

/** What shrinks, source -> target. */
export interface ShrinkFlags {
  layers: boolean;
  /** query heads (per layer) */
  heads: boolean;
  /** KV heads (per layer) */
  kvHeads: boolean;
  ffn: boolean;
  hidden: boolean;
  vocab: boolean;
}

/** The settled target: the output config and what it implies. */
export interface TargetCheck {
  /** The config written to the output folder. */
  readonly config: LlamaConfig;
  readonly headDim: number;
  readonly shrinks: ShrinkFlags;
  /** Adjustments made (e.g. rope theta taken from the source), for the report. */
  readonly notes: string[];
}

const SIZE_FIELDS = ['numLayers', 'hiddenSize', 'numHeads', 'numKvHeads', 'intermediateSize'] as const;

function mapId(id: number | undefined, vocab: VocabMap | undefined): number | undefined {
  if (id === undefined || !vocab) return id;
  const i = vocab.oldIds.indexOf(id);
  return i < 0 ? undefined : i;
}

/**
 * Validates `target` (a LlamaConfig or LlamaConfigInput, resolved with arch-config, whose
 * errors name the field) against `source` and the optional vocabulary map. Throws
 * `TargetShapeError` naming the field. Returns the output config: the target's sizes with the
 * source's rope theta and RMSNorm eps (the weights were trained with them), and the source's
 * special-token ids mapped through the vocabulary map where the target gives none.
 */
export function checkTarget(source: LlamaConfig, target: LlamaConfig | LlamaConfigInput, vocab?: VocabMap): TargetCheck {
  const t = resolveConfig(target as LlamaConfigInput, 'target config');
  const notes: string[] = [];
  for (const field of SIZE_FIELDS) {
    if (t[field] > source[field]) {
      throw new TargetShapeError(
        `target ${field} = ${t[field]} is larger than the source's ${source[field]}; inheritance only removes units (allowed: 1..${source[field]})`,
        { field },
      );
    }
  }
  const d = source.hiddenSize / source.numHeads;
  const dt = t.hiddenSize / t.numHeads;
  if (dt !== d) {
    throw new TargetShapeError(
      `target head size hiddenSize / numHeads = ${t.hiddenSize} / ${t.numHeads} = ${dt} differs from the source's ${d}: ` +
        `changing the head size is unsupported (whole heads are kept with their ${d} channels, so rotary pairs stay intact); ` +
        `keep hiddenSize = numHeads x ${d}`,
      { field: 'numHeads' },
    );
  }
  const g = source.numHeads / source.numKvHeads;
  const gt = t.numHeads / t.numKvHeads;
  if (gt > g) {
    throw new TargetShapeError(
      `target numHeads / numKvHeads = ${t.numHeads} / ${t.numKvHeads} = ${gt} query heads per KV head, but the source's KV groups have ${g} ` +
        `(${source.numHeads} / ${source.numKvHeads}); a query head cannot move to another KV group: choose numKvHeads >= ${Math.ceil(t.numHeads / g)}`,
      { field: 'numKvHeads' },
    );
  }
  if (vocab) {
    if (t.vocabSize !== vocab.oldIds.length) {
      throw new TargetShapeError(
        `target vocabSize = ${t.vocabSize} but the vocabulary map ${vocab.source} keeps ${vocab.oldIds.length} tokens; they must agree`,
        { field: 'vocabSize' },
      );
    }
  } else if (t.vocabSize !== source.vocabSize) {
    throw new TargetShapeError(
      t.vocabSize > source.vocabSize
        ? `target vocabSize = ${t.vocabSize} is larger than the source's ${source.vocabSize}`
        : `target vocabSize = ${t.vocabSize} differs from the source's ${source.vocabSize}: give a vocabulary map (vocab-map.json from tokenizer-prune) to choose the kept tokens`,
      { field: 'vocabSize' },
    );
  }
  if (t.tieWordEmbeddings && !source.tieWordEmbeddings) {
    throw new TargetShapeError(
      'target tieWordEmbeddings = true but the source has a separate LM head: inheriting would discard one of the two trained matrices; use an untied target',
      { field: 'tieWordEmbeddings' },
    );
  }
  for (const field of ['ropeTheta', 'rmsNormEps'] as const) {
    if (t[field] !== source[field])
      notes.push(
        `${field}: the target's ${t[field]} replaced by the source's ${source[field]} (the inherited weights were trained with it)`,
      );
  }
  const ids: Partial<Pick<LlamaConfigInput, 'bosTokenId' | 'eosTokenId' | 'padTokenId'>> = {};
  if (t.bosTokenId !== undefined || t.eosTokenId !== undefined || t.padTokenId !== undefined) {
    if (t.bosTokenId !== undefined) ids.bosTokenId = t.bosTokenId;
    if (t.eosTokenId !== undefined) ids.eosTokenId = t.eosTokenId;
    if (t.padTokenId !== undefined) ids.padTokenId = t.padTokenId;
  } else {
    const bos = mapId(source.bosTokenId, vocab);
    const pad = mapId(source.padTokenId, vocab);
    const eosList =
      source.eosTokenId === undefined ? [] : Array.isArray(source.eosTokenId) ? source.eosTokenId : [source.eosTokenId as number];
    const eos = eosList.map((e) => mapId(e, vocab)).filter((e): e is number => e !== undefined);
    if (bos !== undefined) ids.bosTokenId = bos;
    if (pad !== undefined) ids.padTokenId = pad;
    if (eos.length > 0) ids.eosTokenId = Array.isArray(source.eosTokenId) ? eos : eos[0];
    if (source.bosTokenId !== undefined || eosList.length > 0)
      notes.push('special token ids taken from the source config' + (vocab ? ', mapped through the vocabulary map' : ''));
  }
  const config = resolveConfig(
    {
      vocabSize: t.vocabSize,
      hiddenSize: t.hiddenSize,
      numLayers: t.numLayers,
      numHeads: t.numHeads,
      numKvHeads: t.numKvHeads,
      intermediateSize: t.intermediateSize,
      ropeTheta: source.ropeTheta,
      rmsNormEps: source.rmsNormEps,
      maxPositionEmbeddings: t.maxPositionEmbeddings,
      tieWordEmbeddings: t.tieWordEmbeddings,
      initStd: t.initStd,
      ...ids,
    },
    'output config',
  );
  return {
    config,
    headDim: d,
    shrinks: {
      layers: config.numLayers < source.numLayers,
      heads: config.numHeads < source.numHeads,
      kvHeads: config.numKvHeads < source.numKvHeads,
      ffn: config.intermediateSize < source.intermediateSize,
      hidden: config.hiddenSize < source.hiddenSize,
      vocab: vocab !== undefined,
    },
    notes,
  };
}
