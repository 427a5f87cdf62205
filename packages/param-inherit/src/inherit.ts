// Parameter inheritance (PanGu-π Pro, Tang et al. 2024, arXiv 2402.02791, section 3 in
// PAPER.md): initialise a small LLaMA from a large pretrained one. Order of work:
//   1. open the source (headers only) and check the target shape and the vocabulary map;
//   2. depth: choose the kept layers (uniform, first-last, ShortGPT block influence, or learned masks);
//   3. width, inside every kept layer: heads (whole heads / KV groups under GQA), FFN neurons, and
//      one set of hidden channels for the whole residual stream, by l1 / l2 (streamed), activation
//      (Minitron), Taylor, or learned hard-concrete masks (Sheared-LLaMA);
//   4. write the target folder one tensor at a time (write-inherited.ts) with inherit-report.json.
// The criteria that need no forward pass (uniform, first-last, l1, l2) never load the model: peak
// memory is one output tensor plus a 16 MiB read chunk. The data-driven ones load the kept layers
// (all layers for block influence) in float32 on the current tfjs backend.
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { countParams, type LlamaConfig, type LlamaConfigInput } from '@tinylm/arch-config';
import { OutputExistsError, pathExists } from '@tinylm/hf-io';
import { ensureGradients, initBackend } from '@tinylm/kernels';
import { type CalibrationData, type CalibrationOptions, loadCalibration } from './calibration';
import { activationScores, blockInfluence, forwardTensorNames, loadWeights, taylorScores } from './data-scores';
import { CalibrationError, InheritOptionError, VocabMapError } from './errors';
import { deterministicValue } from './hard-concrete';
import { type LearnedMaskOptions, type MaskTargets, type MaskTrainingResult, trainMasks } from './learned-masks';
import { magnitudeScores } from './magnitude-scores';
import { type FoldScales, type InheritPlan, type LayerPlan, range, selectHeads, topK } from './plan';
import { type InheritReport, kept, REPORT_FORMAT, REPORT_VERSION, round6, stringifyReport } from './report';
import { anyScoreNeeded, scoreNeeds, type UnitScores } from './scores';
import { firstLastLayers, LAYER_CRITERIA, type LayerCriterion, topLayers, uniformLayers } from './select-layers';
import { openSourceModel, type SourceModel } from './source-model';
import { checkTarget } from './target';
import { readVocabMap, type VocabMap } from './vocab-map';
import { checkpointWeights, memoryWeights, type WrittenInherited, writeInherited } from './write-inherited';
import { parseOptions } from '@tinylm/errors';
import { inheritOptions } from './options';

/** Width criteria. */
export type WidthCriterion = 'l1' | 'l2' | 'activation' | 'taylor' | 'learned';
export const WIDTH_CRITERIA: readonly WidthCriterion[] = Object.freeze(['l1', 'l2', 'activation', 'taylor', 'learned']);

/** A progress event (phase changes, tensors written, mask steps). */
export interface InheritProgress {
  phase: 'open' | 'calibration' | 'layers' | 'width' | 'masks' | 'write';
  message: string;
  done?: number;
  total?: number;
}

/** Options of `inheritParams`. */
export interface InheritOptions {
  /** The source Hugging Face LLaMA-family folder. */
  from: string;
  /** The target shape: no larger than the source in any dimension, same head size. */
  to: LlamaConfig | LlamaConfigInput;
  /** The folder to write (atomically; refused if it exists unless `force`). */
  out: string;
  /** vocab-map.json from tokenizer-prune (a path or a parsed map): embedding / head rows of the kept ids. */
  vocabMap?: string | VocabMap;
  /** Depth criterion; default 'first-last'. */
  layers?: LayerCriterion;
  /** first-last: how many leading layers to keep; default ceil(L' / 2). */
  keepFirst?: number;
  /** Width criterion; default 'l2'. */
  width?: WidthCriterion;
  /** Calibration data for block-influence, activation, taylor and learned. */
  calibration?: CalibrationOptions;
  /** Options of the learned criterion (steps, learning rates, ...). */
  learned?: LearnedMaskOptions;
  /** Output dtype; default: the source's. */
  dtype?: 'float32' | 'float16' | 'bfloat16';
  /** Tokenizer files to copy: default the source folder's, or with a vocabulary map the map's folder. */
  tokenizerDir?: string;
  /** Shard the output above this size (default "5GB"). */
  maxShardSize?: string | number;
  /** Replace an existing `out`. */
  force?: boolean;
  /** tfjs backend for the data-driven criteria; default: the current one, else kernels' best available. */
  backend?: string;
  onProgress?: (p: InheritProgress) => void;
}

/** What `inheritParams` did. */
export interface InheritResult {
  readonly dir: string;
  readonly plan: InheritPlan;
  readonly report: InheritReport;
  readonly written: WrittenInherited;
}

const DTYPES = { float32: 'F32', float16: 'F16', bfloat16: 'BF16' } as const;

async function hasTokenizerFiles(dir: string): Promise<boolean> {
  return (await pathExists(join(dir, 'tokenizer.json'))) || (await pathExists(join(dir, 'tokenizer.model')));
}

function checkOptions(o: InheritOptions): { layers: LayerCriterion; width: WidthCriterion } {
  const layers = o.layers ?? 'first-last';
  const width = o.width ?? 'l2';
  if (!LAYER_CRITERIA.includes(layers)) {
    throw new InheritOptionError(`layers = ${JSON.stringify(layers)} is not a depth criterion; allowed: ${LAYER_CRITERIA.join(', ')}`, { field: 'layers' });
  }
  if (!WIDTH_CRITERIA.includes(width)) {
    throw new InheritOptionError(`width = ${JSON.stringify(width)} is not a width criterion; allowed: ${WIDTH_CRITERIA.join(', ')}`, { field: 'width' });
  }
  if (o.dtype !== undefined && !(o.dtype in DTYPES)) {
    throw new InheritOptionError(`dtype = ${JSON.stringify(o.dtype)} is invalid; allowed: ${Object.keys(DTYPES).join(', ')}`, { field: 'dtype' });
  }
  if (o.keepFirst !== undefined && layers !== 'first-last') {
    throw new InheritOptionError(`keepFirst applies to layers = "first-last", not ${JSON.stringify(layers)}`, { field: 'keepFirst' });
  }
  return { layers, width };
}

/** Subsamples a long history to at most n entries (always keeping the first and the last). */
function subsample<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return range(n).map((i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
}

/**
 * Initialises a model of the target shape from the source folder and writes it as a Hugging Face
 * folder with inherit-report.json (see the file header and docs/param-inherit.md). Errors:
 * `TargetShapeError` / arch-config's `ConfigValueError` (naming the field), `SourceModelError`
 * (naming the architecture or tensor), `VocabMapError`, `CalibrationError`, `InheritOptionError`,
 * hf-io's `OutputExistsError`. Nothing is left at `out` on failure.
 */
export async function inheritParams(o: InheritOptions): Promise<InheritResult> {
  o = parseOptions(inheritOptions, o, 'inheritParams');
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let phaseStart = t0;
  const endPhase = (name: string) => {
    const now = performance.now();
    phases[name] = round6((now - phaseStart) / 1000);
    phaseStart = now;
  };
  const progress = (p: InheritProgress) => o.onProgress?.(p);
  const { layers: layerCriterion, width: widthCriterion } = checkOptions(o);
  if (!o.force && (await pathExists(o.out))) {
    throw new OutputExistsError({ message: `${o.out} already exists; pass force: true (--force) to replace it`, file: o.out });
  }
  progress({ phase: 'open', message: `opening ${o.from}` });
  const src: SourceModel = await openSourceModel(o.from);
  let weights: Map<string, tf.Variable> | undefined;
  let bytesRead = 0;
  try {
    const sc = src.config;
    const vocab = o.vocabMap === undefined ? undefined : typeof o.vocabMap === 'string' ? await readVocabMap(o.vocabMap, sc.vocabSize) : o.vocabMap;
    if (vocab) {
      const bad = vocab.oldIds.find((id) => id >= sc.vocabSize);
      if (bad !== undefined) {
        throw new VocabMapError(`${vocab.source}: old id ${bad} is outside the source vocabulary (vocab_size ${sc.vocabSize})`, { file: vocab.source });
      }
    }
    const tc = checkTarget(sc, o.to, vocab);
    const target = tc.config;
    const notes = [...tc.notes];
    const needs = scoreNeeds(tc.shrinks);
    const depthData = tc.shrinks.layers && (layerCriterion === 'block-influence' || layerCriterion === 'learned');
    const widthData = anyScoreNeeded(needs) && (widthCriterion === 'activation' || widthCriterion === 'taylor' || widthCriterion === 'learned');
    const vocabRows = vocab ? Array.from(vocab.oldIds) : null;
    endPhase('open');

    // calibration data and a backend, only when a criterion needs forward passes
    let calib: CalibrationData | null = null;
    if (!depthData && !widthData && o.calibration) notes.push('calibration data given but not used: no criterion that needs it had anything to choose');
    if (depthData || widthData) {
      const why = depthData ? `layers = ${layerCriterion}` : `width = ${widthCriterion}`;
      if (!o.calibration || ((o.calibration.files?.length ?? 0) === 0 && (o.calibration.tokens?.length ?? 0) === 0)) {
        throw new CalibrationError(`${why} needs calibration data: give calibration files (--calib FILES) or token arrays`, { field: 'calibration' });
      }
      progress({ phase: 'calibration', message: 'reading calibration data' });
      calib = await loadCalibration(o.calibration, {
        dir: src.dir,
        hasTokenizer: src.hasTokenizer,
        vocabSize: sc.vocabSize,
        maxPositionEmbeddings: sc.maxPositionEmbeddings,
      });
      if (o.backend !== undefined || tf.engine().backendName == null) await initBackend({ backend: o.backend });
      await ensureGradients();
      endPhase('calibration');
    }
    const learnedOptions = o.learned ?? {};
    const ensureWeights = async (names: string[]) => {
      weights ??= new Map();
      const missing = names.filter((n) => !weights!.has(n));
      for (const [k, v] of await loadWeights(src.checkpoint, missing)) weights.set(k, v);
      return weights;
    };
    const dropWeightsExcept = (names: string[]) => {
      if (!weights) return;
      const keep = new Set(names);
      for (const [k, v] of weights) if (!keep.has(k)) (v.dispose(), weights.delete(k));
    };

    // 2. depth
    progress({ phase: 'layers', message: `choosing ${target.numLayers} of ${sc.numLayers} layers (${layerCriterion})` });
    let keptLayers: number[];
    let layerScores: ArrayLike<number> | undefined;
    let layerScoredBy = 'identity';
    let masks: MaskTrainingResult | undefined;
    let maskTargets: MaskTargets | undefined;
    let maskLayers: number[] = [];
    const widthTargets = (): MaskTargets => ({
      headsPerGroup: target.numHeads / target.numKvHeads < sc.numHeads / sc.numKvHeads ? target.numHeads / target.numKvHeads : undefined,
      kvHeads: tc.shrinks.kvHeads ? target.numKvHeads : undefined,
      ffn: tc.shrinks.ffn ? target.intermediateSize : undefined,
      hidden: tc.shrinks.hidden ? target.hiddenSize : undefined,
    });
    const runMasks = async (layers: number[], targets: MaskTargets) => {
      maskLayers = layers;
      maskTargets = targets;
      const w = await ensureWeights(forwardTensorNames(sc, layers));
      const steps = learnedOptions.steps ?? 50;
      return trainMasks(sc, w, layers, calib!, targets, {
        ...learnedOptions,
        onStep: (s) => {
          progress({ phase: 'masks', message: `mask step ${s.step}/${steps}: LM loss ${s.lmLoss.toFixed(4)}`, done: s.step, total: steps });
          learnedOptions.onStep?.(s);
        },
      });
    };
    if (!tc.shrinks.layers) {
      keptLayers = range(sc.numLayers);
    } else if (layerCriterion === 'uniform') {
      keptLayers = uniformLayers(sc.numLayers, target.numLayers);
      layerScoredBy = 'uniform';
    } else if (layerCriterion === 'first-last') {
      keptLayers = firstLastLayers(sc.numLayers, target.numLayers, o.keepFirst);
      layerScoredBy = 'first-last';
    } else if (layerCriterion === 'block-influence') {
      const all = range(sc.numLayers);
      const w = await ensureWeights(forwardTensorNames(sc, all));
      layerScores = blockInfluence(sc, w, all, calib!);
      keptLayers = topLayers(layerScores, target.numLayers);
      layerScoredBy = 'block-influence';
    } else {
      const all = range(sc.numLayers);
      masks = await runMasks(all, { layers: target.numLayers, ...(widthCriterion === 'learned' ? widthTargets() : {}) });
      layerScores = masks.logAlpha.layer!;
      keptLayers = topLayers(layerScores, target.numLayers);
      layerScoredBy = 'learned';
    }
    endPhase('layers');

    // 3. width, on the kept layers
    progress({ phase: 'width', message: `choosing heads, neurons and channels (${widthCriterion})` });
    let scores: UnitScores = {};
    const widthScoredBy = anyScoreNeeded(needs) ? widthCriterion : 'identity';
    if (anyScoreNeeded(needs)) {
      if (widthCriterion === 'l1' || widthCriterion === 'l2') {
        dropWeightsExcept([]);
        let scoreBytes = 0;
        scores = await magnitudeScores(src.checkpoint, sc, widthCriterion, {
          layers: keptLayers,
          needs,
          vocabRows,
          headTensor: src.headTensor,
          onRead: (n) => (scoreBytes = n),
        });
        bytesRead += scoreBytes;
      } else if (widthCriterion === 'activation' || widthCriterion === 'taylor') {
        const names = forwardTensorNames(sc, keptLayers);
        dropWeightsExcept(names);
        const w = await ensureWeights(names);
        scores =
          widthCriterion === 'activation'
            ? activationScores(sc, w, keptLayers, calib!, needs)
            : taylorScores(sc, w, keptLayers, calib!, needs, vocabRows);
      } else {
        // learned: reuse width masks trained jointly with learned layers, else train them on the kept layers
        const joint = masks !== undefined && Object.entries(maskTargets ?? {}).some(([k, v]) => k !== 'layers' && v !== undefined);
        if (!joint) {
          dropWeightsExcept(forwardTensorNames(sc, keptLayers));
          masks = await runMasks(keptLayers, widthTargets());
        }
        // log-alphas are per mask layer: pick the rows of the kept layers
        const la = masks!.logAlpha;
        const rows = (a: Float32Array[] | undefined) => (a ? keptLayers.map((l) => Float64Array.from(a[maskLayers.indexOf(l)])) : undefined);
        scores = { heads: rows(la.heads), kvHeads: rows(la.kvHeads), ffn: rows(la.ffn), hidden: la.hidden ? Float64Array.from(la.hidden) : undefined };
      }
    }

    const layerPlans: LayerPlan[] = keptLayers.map((l, i) => {
      const zeros = (n: number) => new Float64Array(n);
      const { heads, kvHeads } = selectHeads(
        scores.heads?.[i] ?? zeros(sc.numHeads),
        scores.kvHeads?.[i],
        sc.numHeads,
        sc.numKvHeads,
        target.numHeads,
        target.numKvHeads,
      );
      const ffn = tc.shrinks.ffn ? topK(scores.ffn![i], target.intermediateSize) : range(sc.intermediateSize);
      return { source: l, heads, kvHeads, ffn };
    });
    const hidden = tc.shrinks.hidden ? topK(scores.hidden!, target.hiddenSize) : range(sc.hiddenSize);
    endPhase('width');

    // fold scales for learned masks: the deterministic mask values of the kept units
    let scales: FoldScales | undefined;
    let folded: Record<string, unknown> = {};
    if (masks) {
      const la = masks.logAlpha;
      const det = (a: ArrayLike<number>, keep: readonly number[]) => keep.map((j) => deterministicValue(a[j]));
      const layerRow = (l: number) => maskLayers.indexOf(l);
      const s: { -readonly [K in keyof FoldScales]: FoldScales[K] } = {};
      if (la.layer) s.layer = det(la.layer, keptLayers);
      if (widthCriterion === 'learned') {
        if (la.heads || la.kvHeads) {
          const g = sc.numHeads / sc.numKvHeads;
          s.heads = layerPlans.map((lp) => {
            const r = layerRow(lp.source);
            return lp.heads.map((q) => (la.heads ? det(la.heads[r], [q])[0] : 1) * (la.kvHeads ? det(la.kvHeads[r], [Math.floor(q / g)])[0] : 1));
          });
        }
        if (la.ffn) s.ffn = layerPlans.map((lp) => det(la.ffn![layerRow(lp.source)], lp.ffn));
        if (la.hidden) {
          s.hidden = det(la.hidden, hidden);
          s.norm = Math.sqrt(sc.hiddenSize / target.hiddenSize);
        }
      }
      scales = s;
      folded = Object.fromEntries(
        Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? round6(v) : Array.isArray(v) ? (v as unknown[]).map((x) => (Array.isArray(x) ? x.map(round6) : round6(x as number))) : v]),
      );
    }
    const plan: InheritPlan = { source: sc, target, layers: layerPlans, hidden, vocab: vocab ? vocab.oldIds : null, scales };

    // tokenizer files to copy
    let tokenizerFrom: string | null = null;
    if (o.tokenizerDir !== undefined) tokenizerFrom = o.tokenizerDir;
    else if (vocab) {
      const mapDir = typeof o.vocabMap === 'string' ? dirname(o.vocabMap) : null;
      if (mapDir && (await hasTokenizerFiles(mapDir))) tokenizerFrom = mapDir;
      else notes.push('no tokenizer files copied: the source tokenizer does not match the pruned vocabulary and none was found beside the vocabulary map (give tokenizerDir / --tokenizer)');
    } else if (src.hasTokenizer) tokenizerFrom = src.dir;

    const outDtype = o.dtype ? DTYPES[o.dtype] : undefined;
    const report: InheritReport = {
      format: REPORT_FORMAT,
      version: REPORT_VERSION,
      source: { dir: src.dir, dtype: src.dtype, config: { ...sc } },
      target: { config: { ...target }, dtype: outDtype ?? src.dtype, parameters: countParams(target).total },
      criteria: {
        layers: layerCriterion,
        width: widthCriterion,
        ...(layerCriterion === 'first-last' && tc.shrinks.layers
          ? { firstLast: { first: o.keepFirst ?? Math.ceil(target.numLayers / 2), last: target.numLayers - (o.keepFirst ?? Math.ceil(target.numLayers / 2)) } }
          : {}),
        scoredBy: {
          layers: layerScoredBy,
          heads: needs.heads ? widthScoredBy : 'identity',
          kvHeads: needs.kvHeads ? widthScoredBy : 'identity',
          ffn: needs.ffn ? widthScoredBy : 'identity',
          hidden: needs.hidden ? widthScoredBy : 'identity',
        },
      },
      calibration: calib?.report ?? null,
      vocabulary: { map: vocab?.source ?? null, kept: target.vocabSize, source: sc.vocabSize, tokenizerFrom },
      layers: kept(keptLayers, layerScores),
      attention: layerPlans.map((lp, i) => ({
        layer: i,
        sourceLayer: lp.source,
        kvHeads: kept(lp.kvHeads, scores.kvHeads?.[i]),
        heads: kept(lp.heads, scores.heads?.[i]),
      })),
      ffn: layerPlans.map((lp, i) => ({ layer: i, sourceLayer: lp.source, neurons: kept(lp.ffn, scores.ffn?.[i]) })),
      hidden: kept(hidden, scores.hidden),
      learned: masks
        ? {
            steps: masks.history.length,
            options: { ...learnedOptions, onStep: undefined },
            lambdas: masks.lambdas,
            history: subsample(masks.history, 200),
            targets: Object.fromEntries(Object.entries(maskTargets ?? {}).filter(([, v]) => v !== undefined)) as Record<string, number>,
            folded,
          }
        : null,
      notes,
      timing: { seconds: 0, phases, bytesRead: 0 },
    };

    // 4. write
    const source =
      masks?.weights !== undefined
        ? memoryWeights(masks.weights)
        : checkpointWeights(src.checkpoint, (n) => {
            bytesRead += n;
          });
    if (weights) dropWeightsExcept([]);
    const written = await writeInherited(source, plan, src.headTensor, o.out, {
      // weights trained with the masks are float32 in memory: store them as the source was
      dtype: outDtype ?? (masks?.weights ? (src.dtype as 'F32' | 'F16' | 'BF16') : undefined),
      tokenizerDir: tokenizerFrom ?? undefined,
      maxShardSize: o.maxShardSize,
      force: o.force,
      onTensor: (name, index, total) => progress({ phase: 'write', message: `wrote ${name}`, done: index + 1, total }),
      finish: () => {
        endPhase('write');
        report.timing = { seconds: round6((performance.now() - t0) / 1000), phases, bytesRead };
        return { 'inherit-report.json': stringifyReport(report) };
      },
    });
    return { dir: o.out, plan, report, written };
  } finally {
    if (weights) for (const v of weights.values()) v.dispose();
    await src.close();
  }
}
