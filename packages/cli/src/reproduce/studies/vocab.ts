// The paper's vocabulary sweep (PanGu-π Pro, "compact tokenizer") at tiny scale: at one parameter
// budget and one depth (the ladder's deeper-thinner depth), for each tokenizer size from 512 to
// 8,192 tokens the shape whose total is closest to the budget (width and FFN free, FFN 2x to 4x
// the width), so the parameters a smaller embedding frees go into the layers; random init,
// 1 round, the same steps (equal tokens, as the paper trained). The paper swept 8 k..100 k tokens for a 1 B model and kept 48 k of 100,883. Bits per
// byte are tokenizer-independent, so the sizes compare directly; a smaller vocabulary reads fewer
// bytes of text per token, which the bytes-per-token table shows.
import type { ArchCandidate, LlamaConfig } from '@tinylm/arch-config';
import { embeddingShare } from '@tinylm/arch-config';
import { UsageError } from '../../args';
import { explainNoShape } from '../../recipe/no-shape';
import { type Arm, RANDOM } from '../arm';
import { type ArmSummary, change, signed, summarizeArms } from '../stats';
import { bestAtEachDepth, closerToBudget, depthSearchOptions } from './depth';
import { allOf, type Claim, claimOf } from './claim';
import { ladderShapes } from './ladder';
import type { Study, StudyInputs } from './study';
import { armTable, bpbCell, CURVES_NOTE, curvesChart, meanAndSeedsChart } from './table';

/** The tokenizer sizes swept (the big one is added when it is not among them). */
export const VOCAB_SIZES: readonly number[] = [512, 1024, 2048, 4096, 8192];

/** The paper's sweep, its big vocabulary and the size it kept, and what the kept size changed. */
export const PAPER_VOCAB = {
  swept: '8 k … 100 k',
  big: 100_883,
  kept: 48_000,
  keptCoveragePercent: 97.86,
  embeddingSharePercent: { big: 38.19, kept: 18.07 },
} as const;

const PAPER_SHARE = PAPER_VOCAB.embeddingSharePercent;

export const vocabArmId = (vocab: number) => `vocab-${vocab}`;

/** The sizes of the study, smallest first: VOCAB_SIZES and the big vocabulary. */
export const vocabSizes = (bigVocab: number) => [...new Set([...VOCAB_SIZES, bigVocab])].sort((a, b) => a - b);

/**
 * FFN rates the vocab study's shapes may take: 2 to 4 times the width in steps of 1/64, so every
 * FFN size in multiples of 32 in that range is reachable up to a width of 2,048. With the ladder's
 * one rate (8/3) the widths' steps of 32 leave a smaller vocabulary's freed parameters unspent.
 */
export const VOCAB_FFN_RATES: readonly number[] = Array.from({ length: 129 }, (_, k) => 2 + k / 64);

/** One size's shape: the closest to the budget at `depth`, or at the nearest depth that fits (`depth` then differs). */
export interface VocabShape {
  vocab: number;
  shape: ArchCandidate;
  /** The study's depth; the shape's own depth differs when none fits at it. */
  depth: number;
}

/**
 * The shape with a `vocab`-token vocabulary at `depth` layers whose total is closest to the
 * budget (ties: the wider), any FFN rate of VOCAB_FFN_RATES; when none is within the tolerance
 * at that depth, the closest at the nearest depth that has one (ties: the deeper). Refuses
 * (naming --params and the size) a size with no shape at any depth.
 */
export function vocabShape(o: { params: number; vocab: number; depth: number; teacher: LlamaConfig; tolerance?: number }): VocabShape {
  const q = { params: o.params, vocabSize: o.vocab, tolerance: o.tolerance ?? 0.1, teacher: o.teacher, mlpRatios: VOCAB_FFN_RATES };
  const byDepth = bestAtEachDepth(q, {}, closerToBudget);
  const exact = byDepth.get(o.depth);
  if (exact) return { vocab: o.vocab, shape: exact, depth: o.depth };
  const depths = [...byDepth.keys()];
  if (depths.length === 0) {
    throw new UsageError(
      `--params ${o.params}: the vocab study's ${o.vocab}-token arm has no shape within budget: ${explainNoShape(depthSearchOptions(q))}`,
    );
  }
  const nearest = depths.reduce((a, b) => {
    const [da, db] = [Math.abs(a - o.depth), Math.abs(b - o.depth)];
    return db < da || (db === da && b > a) ? b : a;
  });
  return { vocab: o.vocab, shape: byDepth.get(nearest)!, depth: o.depth };
}

/** The study's depth: the ladder's deeper-thinner shape's, so the compact-vocabulary arm matches that rung's depth. */
export const vocabStudyDepth = (i: StudyInputs) =>
  ladderShapes({ params: i.params, bigVocab: i.bigVocab, compactVocab: i.compactVocab, teacher: i.teacher }).deeper.config.numLayers;

const role = (v: number, i: StudyInputs) =>
  v === i.bigVocab
    ? "the teacher's (big) tokenizer"
    : v === i.compactVocab
      ? 'the compact tokenizer'
      : v < i.bigVocab
        ? 'pruned from the big tokenizer'
        : "pruned from Qwen3's tokenizer";

const vocabOf = (s: ArmSummary) => s.arm.vocab;
const n = (x: number) => Math.round(x).toLocaleString('en-US');
const bytesPerToken = (s: ArmSummary) => (s.tokens > 0 ? s.textBytes / s.tokens : Number.NaN);
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

/** How the best size did against one neighbour, in words. */
const against = (best: ArmSummary, other: ArmSummary) => {
  const c = change(other, best);
  const how = c.verdict === 'better' ? 'better beyond the seed spread' : c.verdict === 'worse' ? 'worse beyond the seed spread' : c.verdict;
  return `against ${n(vocabOf(other))}: ${signed(c.delta)} (${how}, seed spread ${c.spread.toFixed(4)})`;
};

/** A best size at the end of the range: the paper's intermediate peak fails when it beats its one neighbour beyond the spread. */
function endPeak(vsNeighbours: readonly ReturnType<typeof change>[]): Claim {
  const v = vsNeighbours[0]?.verdict ?? 'one seed';
  if (v === 'one seed') return 'not judged (one seed)';
  return v === 'better' ? 'does not reproduce' : 'within noise';
}

export const vocabStudy: Study = {
  name: 'vocab',
  title: 'vocabulary size at a fixed parameter budget',
  paper:
    'a 1 B model with vocabularies of 8 k to 100 k tokens at the same parameter budget: 48 k kept ' +
    `(the top 48 k of ${n(PAPER_VOCAB.big)} tokens cover ${PAPER_VOCAB.keptCoveragePercent}% of the corpus; ` +
    `embedding and head fall from ${PAPER_SHARE.big}% to ${PAPER_SHARE.kept}% of the parameters)`,
  async arms(i) {
    const depth = vocabStudyDepth(i);
    const sizes = vocabSizes(i.bigVocab);
    // every size's tokenizer now, before anything trains (with --teacher, sizes above its vocabulary are refused here)
    for (const v of sizes) await i.pack(v);
    return sizes.map((vocab): Arm => {
      const s = vocabShape({ params: i.params, vocab, depth, teacher: i.teacher });
      const L = s.shape.config.numLayers;
      const at =
        L === depth
          ? `${L} layers`
          : `${L} layers (no shape of ${depth} layers fits the budget with this vocabulary: the nearest depth that does)`;
      const c = s.shape.config;
      return {
        id: vocabArmId(vocab),
        label: String(vocab),
        what: `${n(vocab)} tokens, ${role(vocab, i)}; ${c.hiddenSize} wide, FFN ${c.intermediateSize}, closest to the budget at ${at}`,
        vocab,
        shape: s.shape,
        init: RANDOM,
        rounds: 1,
        sampleRate: i.sampleRate,
        steps: i.steps,
      };
    });
  },
  report(results, i) {
    const rows = summarizeArms(results).sort((a, b) => vocabOf(a) - vocabOf(b));
    const big = rows.find((r) => vocabOf(r) === i.bigVocab);
    if (!big) throw new Error(`vocab study: no results for the big vocabulary (${i.bigVocab})`);
    const depth = vocabStudyDepth(i);
    const offDepth = rows.filter((r) => r.arm.shape.config.numLayers !== depth);
    const compareTo = new Map(rows.filter((r) => r !== big).map((r) => [r.arm.id, big.arm.id]));

    const k = rows.reduce((a, r, j) => (r.mean < rows[a].mean ? j : a), 0);
    const best = rows[k];
    const neighbours = [rows[k - 1], rows[k + 1]].filter((r): r is ArmSummary => r !== undefined);
    const vsNeighbours = neighbours.map((r) => ({ vocab: vocabOf(r), ...change(r, best) }));
    // (a) the peak is inside the range: better than both neighbours; at an end and better than its neighbour, it is not
    const interior = k > 0 && k < rows.length - 1;
    const peakClaim: Claim = interior ? allOf(vsNeighbours.map((c) => claimOf(c.verdict, 'better'))) : endPeak(vsNeighbours);
    // (b) a vocabulary smaller than the big one is better at the same budget: the best of the smaller ones against the big one
    const smaller = rows.filter((r) => vocabOf(r) < i.bigVocab);
    const bestSmaller = smaller.length > 0 ? smaller.reduce((a, b) => (b.mean < a.mean ? b : a)) : null;
    const smallerVsBig = bestSmaller ? change(big, bestSmaller) : null;
    const smallerClaim: Claim | 'not judged (no smaller size)' = smallerVsBig
      ? claimOf(smallerVsBig.verdict, 'better')
      : 'not judged (no smaller size)';

    const bestShare = vocabOf(best) / i.bigVocab;
    const paperShare = PAPER_VOCAB.kept / PAPER_VOCAB.big;
    const bigBpt = bytesPerToken(big);
    const where = vocabOf(best) < i.bigVocab ? 'below' : vocabOf(best) > i.bigVocab ? 'above' : 'at';
    const log2 = (v: number) => Math.log2(v);

    return {
      lines: [
        ...armTable(rows, compareTo),
        '',
        ...(offDepth.length > 0
          ? [
              `Not at the study's ${depth} layers (no shape of that depth fits the budget with their vocabulary): ` +
                offDepth.map((r) => `${r.arm.id} at ${r.arm.shape.config.numLayers} layers`).join(', ') +
                '.',
              '',
            ]
          : []),
        '![vocabulary size](vocab.svg)',
        '',
        '![curves](curves.svg)',
        '',
        CURVES_NOTE,
        '',
        '### Bytes of text per token',
        '',
        '| vocab | student-text bytes per token | vs the big tokenizer | text bytes trained on |',
        '|---|---|---|---|',
        ...rows.map((r) => {
          const vsBig = r === big ? '—' : `${signed((bytesPerToken(r) / bigBpt - 1) * 100, 1)}%`;
          return `| ${n(vocabOf(r))} | ${bytesPerToken(r).toFixed(3)} | ${vsBig} | ${n(r.textBytes)} |`;
        }),
        '',
        'Every arm trains the same tokens (equal steps, as the paper did), so a smaller vocabulary, with fewer bytes per token, ' +
          'reads less text; the ladder\'s "compact, = bytes" rung measures how much of a difference that makes at one size.',
        '',
        '## Paper vs ours',
        '',
        '| | paper | ours |',
        '|---|---|---|',
        `| model | ~1 B parameters | ${n(i.params)} parameters, ${depth} layers |`,
        `| sizes swept | ${PAPER_VOCAB.swept} | ${rows.map((r) => n(vocabOf(r))).join(', ')} |`,
        `| big vocabulary | ${n(PAPER_VOCAB.big)} | ${n(i.bigVocab)} |`,
        `| best (kept) size | ${n(PAPER_VOCAB.kept)}, ${pct(paperShare)} of the big one | ` +
          `${n(vocabOf(best))}, ${pct(bestShare)} of the big one (${bpbCell(best)} bits/byte) |`,
        `| embedding + head share, big → best | ${PAPER_SHARE.big}% → ${PAPER_SHARE.kept}% | ` +
          `${pct(embeddingShare(big.arm.shape.config))} → ${pct(embeddingShare(best.arm.shape.config))} |`,
        `| corpus coverage of the kept size | ${PAPER_VOCAB.keptCoveragePercent}% | not measured (bytes per token above) |`,
        '',
        '## Verdicts',
        '',
        `- **the best size is an intermediate one** (the paper's sweep peaked inside its range, at 48 k): **${peakClaim}**; ` +
          `best ${n(vocabOf(best))} (${best.mean.toFixed(4)})${interior ? '' : ', at the end of our range'}, ` +
          `${neighbours.map((r) => against(best, r)).join('; ')}.`,
        '- **a vocabulary smaller than the big one is better at the same budget** ' +
          `(the paper kept ${pct(paperShare, 0)} of its big vocabulary): **${smallerClaim}**; ` +
          (bestSmaller && smallerVsBig
            ? `the best smaller size ${n(vocabOf(bestSmaller))} ${signed(smallerVsBig.delta)} against ${n(i.bigVocab)} ` +
              `(${smallerVsBig.verdict}, seed spread ${smallerVsBig.spread.toFixed(4)})`
            : 'no size smaller than the big one was trained') +
          `; ours is best at ${pct(bestShare)} of our big ${n(i.bigVocab)} (${where} it).`,
        '',
        'A change is "better" or "worse" only when it is larger than the spread (max − min) of both arms over the seeds; ' +
          'otherwise "within noise". The paper compares average benchmark scores (higher is better); ' +
          'we compare held-out bits per byte (lower is better).',
      ],
      charts: {
        'vocab.svg': meanAndSeedsChart(
          'held-out bits per byte against vocabulary size (lower is better)',
          `log2(vocabulary size): ${rows.map((r) => `${log2(vocabOf(r)).toFixed(0)} = ${vocabOf(r)}`).join(', ')}`,
          rows,
          results,
          (a) => log2(a.vocab),
        ),
        'curves.svg': curvesChart('bits per byte during training, first 64 held-out sequences (seed 0)', results),
      },
      summary: {
        rows,
        depth,
        bytesPerToken: rows.map((r) => ({ vocab: vocabOf(r), bytesPerToken: bytesPerToken(r) })),
        best: { vocab: vocabOf(best), shareOfBig: bestShare, paperShareOfBig: paperShare },
        neighbours: vsNeighbours,
        smallerVsBig: bestSmaller && smallerVsBig ? { vocab: vocabOf(bestSmaller), ...smallerVsBig } : null,
        verdicts: { intermediateBest: peakClaim, smallerBeatsBig: smallerClaim },
      },
    };
  },
};
