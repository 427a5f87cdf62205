// The authors' improvement ladder (docs/method.md section 5) at tiny scale: each rung adds one
// strategy to the one before, at the same parameter budget and the same number of tokens.
//   1 baseline              big (teacher's) tokenizer, shallow-wide shape, random init, 1 round
//   2 + compact tokenizer   the compact tokenizer; the freed embedding parameters widen the layers
//   2b  same, equal bytes   rung 2 trained on as many bytes of text as rung 1 (more tokens): a
//                           smaller vocabulary reads less text per token, which this removes
//   3 + deeper-thinner      the deepest shape the search finds within budget (inside the teacher)
//   4 + inheritance         rung 3's shape initialised from the teacher (first-last layers, L2 width)
//   5 + two rounds          rung 4 trained in two rounds, the second refined by loss, same steps
import type { ArchCandidate, LlamaConfig } from '@tinylm/arch-config';
import { UsageError } from '../../args';
import { deepestInsideTeacher, widest } from '../../recipe/shapes';
import { type Arm, RANDOM } from '../arm';
import { summarizeArms } from '../stats';
import { stepsAtEqualBytes } from '../workspace';
import type { Study } from './study';
import { armTable, CURVES_NOTE, changeCell, curvesChart, meansChart } from './table';

/** The LLaMA FFN rate every shape uses, so that shapes differ only in depth, width and vocabulary. */
export const LADDER_MLP_RATIO = 8 / 3;

export interface LadderShapes {
  baseline: ArchCandidate;
  compact: ArchCandidate;
  deeper: ArchCandidate;
}

export interface LadderShapeOptions {
  params: number;
  /** Relative tolerance of the budget; default 0.1. */
  tolerance?: number;
  bigVocab: number;
  compactVocab: number;
  teacher: LlamaConfig;
  /** Fewest layers of the shallow-wide baseline; default 2. */
  baselineLayers?: number;
}

/** The three shapes of the ladder, from arch-config's search at one parameter budget. */
export function ladderShapes(o: LadderShapeOptions): LadderShapes {
  if (!(o.compactVocab < o.bigVocab)) {
    throw new UsageError(`--student-vocab (${o.compactVocab}) must be smaller than the big vocabulary (${o.bigVocab})`);
  }
  const q = { params: o.params, tolerance: o.tolerance ?? 0.1, teacher: o.teacher, mlpRatios: [LADDER_MLP_RATIO] };
  const baseline = widest({ ...q, vocabSize: o.bigVocab }, { min: o.baselineLayers ?? 2 });
  const L = baseline.config.numLayers;
  const compact = widest({ ...q, vocabSize: o.compactVocab }, { min: L, max: L });
  const deeper = insideTeacher(o, () => deepestInsideTeacher({ ...q, vocabSize: o.compactVocab }).chosen);
  if (deeper.config.numLayers <= L) {
    throw new UsageError(
      `--params ${o.params}: the deepest shape that fits the teacher has ${deeper.config.numLayers} layers, no deeper than the baseline's ${L}: ` +
        'use a deeper teacher (--teacher) or a smaller --params',
    );
  }
  return { baseline, compact, deeper };
}

/** Runs a shape search bounded by the teacher, naming the flags to change when nothing fits inside it. */
function insideTeacher<T>(o: LadderShapeOptions, search: () => T): T {
  try {
    return search();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const t = o.teacher;
    throw new UsageError(
      `the teacher (${t.numLayers} × ${t.hiddenSize}, FFN ${t.intermediateSize}) cannot hold a deeper-thinner student of --params ${o.params}: ` +
        `give a larger --teacher or a smaller --params. ${e.message}`,
    );
  }
}

/** The inheritance the ladder (and the rounds study) use: the paper's first-last layers, L2 width. */
export const LADDER_INIT = { from: 'teacher', layers: 'first-last', width: 'l2' } as const;

export const ladderStudy: Study = {
  name: 'ladder',
  title: 'the PanGu-π Pro ladder',
  paper:
    'PanGu-π-1B 42.41 → + compact tokenizer 44.11 → + architecture tweak 46.53 → + parameter inheritance 49.79 → ' +
    '+ multiple-round training 51.28 (average benchmark score, higher is better; 1 B parameters, 1.6 T tokens)',
  async arms(i) {
    const s = ladderShapes({ params: i.params, bigVocab: i.bigVocab, compactVocab: i.compactVocab, teacher: i.teacher });
    const equalBytes = stepsAtEqualBytes(i.steps, await i.pack(i.bigVocab), await i.pack(i.compactVocab));
    const arm = (a: Omit<Arm, 'rounds' | 'sampleRate' | 'steps'> & Partial<Arm>): Arm => ({
      rounds: 1,
      sampleRate: i.sampleRate,
      steps: i.steps,
      ...a,
    });
    return [
      arm({
        id: 'baseline',
        label: 'baseline',
        what: 'big tokenizer, shallow-wide, random init, 1 round',
        vocab: i.bigVocab,
        shape: s.baseline,
        init: RANDOM,
      }),
      arm({
        id: 'compact-tokenizer',
        label: '+ compact tok.',
        what: 'compact tokenizer (freed parameters widen the layers), equal tokens',
        vocab: i.compactVocab,
        shape: s.compact,
        init: RANDOM,
      }),
      arm({
        id: 'compact-equal-bytes',
        label: 'compact, = bytes',
        what: 'rung 2 trained on as many bytes of text as the baseline',
        vocab: i.compactVocab,
        shape: s.compact,
        init: RANDOM,
        steps: equalBytes,
      }),
      arm({
        id: 'deeper-thinner',
        label: '+ deeper',
        what: 'deeper-thinner shape from the search',
        vocab: i.compactVocab,
        shape: s.deeper,
        init: RANDOM,
      }),
      arm({
        id: 'inheritance',
        label: '+ inheritance',
        what: 'parameters inherited from the teacher',
        vocab: i.compactVocab,
        shape: s.deeper,
        init: LADDER_INIT,
      }),
      arm({
        id: 'two-rounds',
        label: '+ two rounds',
        what: 'two rounds, the second refined by loss (same total steps)',
        vocab: i.compactVocab,
        shape: s.deeper,
        init: LADDER_INIT,
        rounds: 2,
      }),
    ];
  },
  report(results) {
    const rows = summarizeArms(results);
    const by = new Map(rows.map((r) => [r.arm.id, r]));
    // each rung against the one before; the equal-bytes rung against the baseline, like rung 2
    const compareTo = new Map([
      ['compact-tokenizer', 'baseline'],
      ['compact-equal-bytes', 'baseline'],
      ['deeper-thinner', 'compact-tokenizer'],
      ['inheritance', 'deeper-thinner'],
      ['two-rounds', 'inheritance'],
    ]);
    const steps = [...compareTo].map(([to, from]) => ({ to, from, text: changeCell(by.get(from)!, by.get(to)!) }));
    return {
      lines: [
        ...armTable(rows, compareTo),
        '',
        '![ladder](ladder.svg)',
        '',
        '![curves](curves.svg)',
        '',
        `${CURVES_NOTE} Curves of the two tokenizers cover different amounts of text, so compare them within a tokenizer.`,
        '',
        'A change is "better" or "worse" only when it is larger than the spread (max − min) of both arms over the seeds; otherwise "within noise".',
      ],
      charts: {
        'ladder.svg': meansChart('tinylm reproduce: held-out bits per byte after each strategy (lower is better)', rows),
        'curves.svg': curvesChart('bits per byte during training, first 64 held-out sequences (seed 0)', results),
      },
      summary: { rows, changes: steps },
    };
  },
};
