// Parameter inheritance (PanGu-π Pro, Tang et al. 2024, arXiv 2402.02791, section 3 in
// docs/method.md): initialise a small LLaMA from a large pretrained one. Order of work:
//   1. open the source (headers only) and check the target shape and the vocabulary map;
//   2. depth: choose the kept layers (uniform, first-last, ShortGPT block influence, or learned masks);
//   3. width, inside every kept layer: heads (whole heads / KV groups under GQA), FFN neurons, and
//      one set of hidden channels for the whole residual stream, by l1 / l2 (streamed), activation
//      (Minitron), Taylor, or learned hard-concrete masks (Sheared-LLaMA);
//   4. write the target folder one tensor at a time (write-inherited.ts) with inherit-report.json.
// Each step is a phase in phases/ that takes what it needs and returns what it chose; inheritParams
// runs them in order.
// The criteria that need no forward pass (uniform, first-last, l1, l2) never load the model: peak
// memory is one output tensor plus a 16 MiB read chunk. The data-driven ones load the kept layers
// (all layers for block influence) in float32 on the tfjs backend the caller set up (initBackend
// from @tinylm/kernels): the library never switches the process-wide backend.
import type { LlamaConfig, LlamaConfigInput } from '@tinylm/arch-config';
import { type FloatDtypeName, normalizeFloatDtype, SAFETENSORS_FLOAT_DTYPES, OutputExistsError, pathExists } from '@tinylm/hf-io';
import { InheritOptionError } from './errors';
import type { CalibrationOptions } from './calibration';
import type { LearnedMaskOptions } from './learned-masks';
import type { InheritPlan } from './plan';
import { type InheritReport, round6, stringifyReport } from './report';
import { buildReport } from './phases/build-report';
import { calibrationPhase } from './phases/calibration';
import { type InheritContext, type MaskRun, WeightCache } from './phases/context';
import { foldScales } from './phases/fold-scales';
import { chooseLayers } from './phases/layers';
import { openPhase } from './phases/open';
import { chooseTokenizer } from './phases/tokenizer';
import { chooseWidth } from './phases/width';
import { LAYER_CRITERIA, type LayerCriterion } from './select-layers';
import { openSourceModel } from './source-model';
import type { VocabMap } from './vocab-map';
import { checkpointWeights, memoryWeights, type WrittenInherited, writeInherited } from './write-inherited';
import { parseOptions, showValue } from '@tinylm/errors';
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
  /** Output dtype, in either spelling (`float16` or `f16`, ...); default: the source's. */
  dtype?: FloatDtypeName;
  /** Tokenizer files to copy: default the source folder's, or with a vocabulary map the map's folder. */
  tokenizerDir?: string;
  /** Shard the output above this size (default "5GB"). */
  maxShardSize?: string | number;
  /** Replace an existing `out`. */
  force?: boolean;
  /**
   * @deprecated inheritParams runs the data-driven criteria on the tfjs backend the caller set up
   * (initBackend from @tinylm/kernels) and never switches it; when given, this must name that
   * backend (else an InheritOptionError says what to call). The option goes in 0.3.
   */
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

function checkOptions(options: InheritOptions): { layers: LayerCriterion; width: WidthCriterion } {
  const layers = options.layers ?? 'first-last';
  const width = options.width ?? 'l2';
  if (!LAYER_CRITERIA.includes(layers)) {
    throw new InheritOptionError(`layers = ${showValue(layers)} is not a depth criterion; allowed: ${LAYER_CRITERIA.join(', ')}`, {
      field: 'layers',
    });
  }
  if (!WIDTH_CRITERIA.includes(width)) {
    throw new InheritOptionError(`width = ${showValue(width)} is not a width criterion; allowed: ${WIDTH_CRITERIA.join(', ')}`, {
      field: 'width',
    });
  }
  if (options.keepFirst !== undefined && layers !== 'first-last') {
    throw new InheritOptionError(`keepFirst applies to layers = "first-last", not ${showValue(layers)}`, { field: 'keepFirst' });
  }
  return { layers, width };
}

/**
 * Initialises a model of the target shape from the source folder and writes it as a Hugging Face
 * folder with inherit-report.json (see the file header and docs/param-inherit.md). Errors:
 * `TargetShapeError` / arch-config's `ConfigValueError` (naming the field), `SourceModelError`
 * (naming the architecture or tensor), `VocabMapError`, `CalibrationError`, `InheritOptionError`,
 * hf-io's `OutputExistsError`. Nothing is left at `out` on failure. The data-driven criteria run on
 * the caller's tfjs backend (an `InheritOptionError` says to call initBackend when none is set up).
 */
export async function inheritParams(options: InheritOptions): Promise<InheritResult> {
  options = parseOptions(inheritOptions, options, 'inheritParams');
  const clock = new PhaseClock();
  const progress = (p: InheritProgress) => options.onProgress?.(p);
  const criteria = checkOptions(options);
  if (!options.force && (await pathExists(options.out))) {
    throw new OutputExistsError({ message: `${options.out} already exists; pass force: true (--force) to replace it`, file: options.out });
  }
  progress({ phase: 'open', message: `opening ${options.from}` });
  const source = await openSourceModel(options.from);
  const weights = new WeightCache(source);
  try {
    const ctx = await openPhase(options, source, criteria, progress);
    clock.end('open');
    const calibration = await calibrationPhase(ctx);
    if (calibration.data) clock.end('calibration');
    const layers = await chooseLayers(ctx, weights, calibration.data);
    clock.end('layers');
    const width = await chooseWidth(ctx, weights, calibration.data, layers);
    clock.end('width');
    const folded = width.masks ? foldScales(ctx, width.masks, layers.kept, width.layerPlans, width.hidden) : undefined;
    const plan: InheritPlan = {
      source: ctx.sourceConfig,
      target: ctx.target.config,
      layers: width.layerPlans,
      hidden: width.hidden,
      vocab: ctx.vocab ? ctx.vocab.oldIds : null,
      scales: folded?.scales,
    };
    const tokenizer = await chooseTokenizer(ctx);
    const outDtype: 'F32' | 'F16' | 'BF16' | undefined = options.dtype
      ? (SAFETENSORS_FLOAT_DTYPES[normalizeFloatDtype(options.dtype)] as 'F32' | 'F16' | 'BF16')
      : undefined;
    const report = buildReport(ctx, {
      calibration: calibration.data,
      layers,
      width,
      folded,
      tokenizerFrom: tokenizer.from,
      dtype: outDtype ?? source.dtype,
      notes: [...ctx.target.notes, ...calibration.notes, ...tokenizer.notes],
    });
    weights.dispose();
    const written = await writePhase(ctx, plan, width.masks, tokenizer.from, outDtype, (bytesRead) => {
      clock.end('write');
      return { ...report, timing: { seconds: clock.seconds(), phases: clock.phases, bytesRead: width.bytesRead + bytesRead } };
    });
    return { dir: options.out, plan, report: written.report, written: written.written };
  } finally {
    weights.dispose();
    await source.close();
  }
}

/** Phase 7: the target folder, one tensor at a time, with inherit-report.json (its timing completed by `finalReport`). */
async function writePhase(
  ctx: InheritContext,
  plan: InheritPlan,
  masks: MaskRun | undefined,
  tokenizerFrom: string | null,
  outDtype: 'F32' | 'F16' | 'BF16' | undefined,
  finalReport: (bytesRead: number) => InheritReport,
): Promise<{ written: WrittenInherited; report: InheritReport }> {
  const { source, options } = ctx;
  let bytesRead = 0;
  let report: InheritReport | undefined;
  const trained = masks?.result.weights;
  const weights = trained !== undefined ? memoryWeights(trained) : checkpointWeights(source.checkpoint, (n) => (bytesRead += n));
  const written = await writeInherited(weights, plan, source.headTensor, options.out, {
    // weights trained with the masks are float32 in memory: store them as the source was
    dtype: outDtype ?? (trained ? (source.dtype as 'F32' | 'F16' | 'BF16') : undefined),
    tokenizerDir: tokenizerFrom ?? undefined,
    maxShardSize: options.maxShardSize,
    force: options.force,
    onTensor: (name, index, total) => ctx.progress({ phase: 'write', message: `wrote ${name}`, done: index + 1, total }),
    finish: () => {
      report = finalReport(bytesRead);
      return { 'inherit-report.json': stringifyReport(report) };
    },
  });
  return { written, report: report! };
}

/** Wall-clock seconds of each phase, for the report's timing. */
class PhaseClock {
  readonly phases: Record<string, number> = {};
  private readonly started = performance.now();
  private phaseStarted = this.started;

  end(name: string): void {
    const now = performance.now();
    this.phases[name] = round6((now - this.phaseStarted) / 1000);
    this.phaseStarted = now;
  }

  seconds(): number {
    return round6((performance.now() - this.started) / 1000);
  }
}
