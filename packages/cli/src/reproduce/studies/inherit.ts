// The paper's inheritance ablation (PanGu-π Pro section 3, docs/param-inherit.md) at tiny scale:
// the ladder's deeper-thinner student (compact tokenizer, 1 round, the same steps) starts from
// random weights or from the teacher, cut down by each of param-inherit's width criteria inside the
// first and last layers (the paper's depth choice); for depth, block influence (ShortGPT) against
// first-last, both with L2 width. The paper scores benchmarks (higher is better); we score held-out
// bits per byte (lower is better), so "better" below always means lower bits per byte.
import type { LayerCriterion, WidthCriterion } from '@tinylm/param-inherit';
import type { ArmResult } from '../run-arms';
import { type Arm, type ArmInit, RANDOM } from '../arm';
import { type ArmSummary, change, signed, summarizeArms, type Verdict } from '../stats';
import { ladderShapes } from './ladder';
import type { Study } from './study';
import { allOf, claimOf } from './claim';
import { armTable, bpbCell, CURVES_NOTE, changeCell, curvesChart, meansChart } from './table';

/** One width criterion of the study: its chart label, its name in the paper, the paper's average score (null: not in its ablation). */
export interface InheritWidth {
  width: WidthCriterion;
  label: string;
  name: string;
  paper: number | null;
}

/** Every width criterion param-inherit has, each inside the first and last layers. */
export const INHERIT_WIDTHS: readonly InheritWidth[] = [
  { width: 'l1', label: 'L1', name: 'L1 norm', paper: 46.06 },
  { width: 'l2', label: 'L2', name: 'L2 norm', paper: 47.0 },
  { width: 'taylor', label: 'Taylor', name: 'Taylor', paper: 47.9 },
  { width: 'activation', label: 'activation', name: 'activation (Minitron)', paper: null },
  { width: 'learned', label: 'learned', name: 'learnable mask', paper: 48.08 },
];

/** The paper's average score from random initialisation. */
export const PAPER_RANDOM_SCORE = 42.06;

/** The paper's order of the width criteria, worst to best. */
export const PAPER_WIDTH_ORDER: readonly WidthCriterion[] = ['l1', 'l2', 'taylor', 'learned'];

export const inheritArmId = (layers: LayerCriterion, width: WidthCriterion) => `${layers}-${width}`;
const FIRST_LAST_L2 = inheritArmId('first-last', 'l2');
const BLOCK_INFLUENCE_L2 = inheritArmId('block-influence', 'l2');

/** How one adjacent pair of the paper's order came out here: the word, then why. */
const agreement = (v: Verdict, spread: number) => {
  const word = v === 'better' ? 'agrees' : v === 'worse' ? 'disagrees' : v;
  return v === 'one seed'
    ? 'not judged: one seed'
    : `${word}: ${v === 'within noise' ? 'inside' : 'larger than'} the seed spread ${spread.toFixed(4)}`;
};

export const inheritStudy: Study = {
  name: 'inherit',
  title: 'parameter inheritance criteria',
  paper:
    'random init 42.06 < L1 46.06 < L2 47.00 < Taylor 47.90 < learnable mask 48.08 (average benchmark score, higher is better; ' +
    'PanGu-π-1B Pro initialised from PanGu-π-7B); for depth, layers near the beginning and the end matter more, so the first and last are kept',
  async arms(i) {
    // the ladder's shape, so that `random` and `first-last-l2` are the ladder's deeper-thinner and inheritance rungs (shared runs)
    const shape = ladderShapes({ params: i.params, bigVocab: i.bigVocab, compactVocab: i.compactVocab, teacher: i.teacher }).deeper;
    const arm = (id: string, label: string, what: string, init: ArmInit): Arm => ({
      id,
      label,
      what,
      vocab: i.compactVocab,
      shape,
      init,
      rounds: 1,
      sampleRate: i.sampleRate,
      steps: i.steps,
    });
    return [
      arm('random', 'random', 'random init', RANDOM),
      ...INHERIT_WIDTHS.map((w) =>
        arm(inheritArmId('first-last', w.width), w.label, `first and last layers, ${w.name} width`, {
          from: 'teacher',
          layers: 'first-last',
          width: w.width,
        }),
      ),
      arm(BLOCK_INFLUENCE_L2, 'BI + L2', 'block-influence layers (ShortGPT), L2 norm width', {
        from: 'teacher',
        layers: 'block-influence',
        width: 'l2',
      }),
    ];
  },
  report(results) {
    const rows = summarizeArms(results);
    const by = new Map(rows.map((r) => [r.arm.id, r]));
    const get = (id: string) => {
      const r = by.get(id);
      if (!r) throw new Error(`inherit study: no results for arm ${id}`);
      return r;
    };
    const random = get('random');
    const width = (w: WidthCriterion) => get(inheritArmId('first-last', w));
    const inherited = rows.filter((r) => r.arm.init.from === 'teacher');
    const compareTo = new Map(inherited.map((r) => [r.arm.id, 'random']));

    // (a) every inherited arm against random
    const vsRandom = inherited.map((r) => ({ id: r.arm.id, ...change(random, r) }));
    const beatsRandom = allOf(vsRandom.map((c) => claimOf(c.verdict, 'better')));

    // (b) the paper's order, pair by pair (each step up the paper's order should lower bits per byte)
    const ranked = INHERIT_WIDTHS.map((w) => ({ w, row: width(w.width) })).sort((a, b) => a.row.mean - b.row.mean);
    const pairs = PAPER_WIDTH_ORDER.slice(1).map((to, k) => {
      const from = PAPER_WIDTH_ORDER[k];
      const c = change(width(from), width(to));
      return { from, to, ...c, agreement: agreement(c.verdict, c.spread) };
    });
    const order = allOf(pairs.map((p) => claimOf(p.verdict, 'better')));
    const activation = width('activation');
    const activationRank = ranked.findIndex((x) => x.w.width === 'activation') + 1;

    // (c) depth: block influence's measured choice against the paper's first and last layers
    const firstLast = get(FIRST_LAST_L2);
    const blockInfluence = get(BLOCK_INFLUENCE_L2);
    const depth = change(blockInfluence, firstLast);
    const sameLayers = identicalSeedForSeed(results, BLOCK_INFLUENCE_L2, FIRST_LAST_L2);

    const name = (w: WidthCriterion) => INHERIT_WIDTHS.find((x) => x.width === w)!.label;
    const verdicts = {
      beatsRandom,
      paperOrder: order,
      depth: claimOf(depth.verdict, 'better'),
    };
    return {
      lines: [
        ...armTable(rows, compareTo),
        '',
        `Depth, both with L2 width: ${BLOCK_INFLUENCE_L2} ${changeCell(firstLast, blockInfluence)}.`,
        '',
        '![inheritance criteria](inherit.svg)',
        '',
        '![curves](curves.svg)',
        '',
        `${CURVES_NOTE} The curves show random init and the five width criteria (first and last layers).`,
        '',
        '## Paper vs ours',
        '',
        ...paperVsOurs(random, rows),
        '',
        '## Verdicts',
        '',
        `- **(a) inheritance beats random init** (the paper: every criterion 4.00 to 6.02 points above random): **${beatsRandom}**; ` +
          vsRandom.map((c) => `${c.id} ${signed(c.delta)} (${c.verdict})`).join(', ') +
          '.',
        `- **(b) the paper's order L1 < L2 < Taylor < learned**: **${order}**; ours, best to worst: ` +
          ranked.map((x) => `${x.w.label} ${x.row.mean.toFixed(4)}`).join(', ') +
          '; ' +
          pairs.map((p) => `${name(p.from)} → ${name(p.to)} ${signed(p.delta)} (${p.agreement})`).join('; ') +
          '.',
        `- **activation** (Minitron, not in the paper's ablation) ranks ${activationRank} of ${INHERIT_WIDTHS.length} width criteria: ` +
          `${changeCell(width('l2'), activation)}; ${changeCell(width('learned'), activation)}.`,
        `- **(c) block influence vs first-last** (the paper keeps the first and last layers; block influence measures which layers change ` +
          `the teacher's hidden state least and drops those): **${verdicts.depth}**; first-last ${signed(depth.delta)} against block influence ` +
          `(seed spread ${depth.spread.toFixed(4)}).` +
          (sameLayers
            ? ' The two arms scored the same seed for seed: block influence almost certainly kept the same layers as first-last ' +
              '(each init’s inherit-report.json lists them), which agrees with the paper’s choice.'
            : ''),
        '',
        'A change is "better" or "worse" only when it is larger than the spread (max − min) of both arms over the seeds; otherwise "within noise". ' +
          'The paper compares average benchmark scores of 1 B-parameter models; the direction of each change is what is compared here, not its size.',
      ],
      charts: {
        'inherit.svg': meansChart('held-out bits per byte by inheritance criterion (lower is better)', rows),
        'curves.svg': curvesChart(
          'bits per byte during training, first 64 held-out sequences (seed 0)',
          results.filter((r) => r.arm.id === 'random' || r.arm.id.startsWith('first-last-')),
        ),
      },
      summary: {
        rows,
        vsRandom,
        paperOrder: pairs.map(({ from, to, delta, spread, verdict }) => ({ from, to, delta, spread, verdict })),
        ourOrder: ranked.map((x) => x.w.width),
        activationRank,
        depth: { ...depth, sameLayers },
        verdicts,
      },
    };
  },
};

/** The paper's score per criterion beside our bits per byte and change against random init. */
function paperVsOurs(random: ArmSummary, rows: readonly ArmSummary[]): string[] {
  const score = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  const row = (criterion: string, paper: number | null, r: ArmSummary) => {
    const c = r === random ? null : change(random, r);
    const ours = c ? `${signed(c.delta)} (${c.verdict})` : '—';
    return `| ${criterion} | ${score(paper)} | ${paper === null || r === random ? '—' : signed(paper - PAPER_RANDOM_SCORE, 2)} | ${r.arm.id} | ${bpbCell(r)} | ${ours} |`;
  };
  const byId = new Map(rows.map((r) => [r.arm.id, r]));
  return [
    '| criterion | paper: average score (higher is better) | paper: vs random | ours: arm | ours: held-out bits/byte (lower is better) | ours: vs random |',
    '|---|---|---|---|---|---|',
    row('random init', PAPER_RANDOM_SCORE, random),
    ...INHERIT_WIDTHS.map((w) =>
      row(w.paper === null ? `${w.name}, not in the paper's ablation` : w.name, w.paper, byId.get(inheritArmId('first-last', w.width))!),
    ),
    row("block-influence layers, L2 width (not in the paper's ablation)", null, byId.get(BLOCK_INFLUENCE_L2)!),
  ];
}

/** Whether two arms scored exactly the same on every seed (the same init and data order train the same model). */
function identicalSeedForSeed(results: readonly ArmResult[], a: string, b: string): boolean {
  const of = (id: string) => new Map(results.filter((r) => r.arm.id === id).map((r) => [r.seed, r.heldOutBitsPerByte]));
  const [x, y] = [of(a), of(b)];
  return x.size > 0 && x.size === y.size && [...x].every(([seed, bpb]) => y.get(seed) === bpb);
}
