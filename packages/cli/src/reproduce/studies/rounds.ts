// The paper's multiple-round ablation (PanGu-π Pro section 4, docs/multi-round-trainer.md) at tiny
// scale: the ladder's inherited student (deeper-thinner, compact tokenizer, first-last + L2) trained
// in 1, 2 or 3 rounds at sampling rate 0.5, and in 2 rounds at 0.25 and 0.75. Every arm takes the
// same optimizer steps in all: each later round is one pass over the round(rate × batches) batches
// drawn by loss, and round 1 takes the rest, so more rounds mean a shorter first round, not more
// training. Lower held-out bits per byte is better (the paper's average score: higher is better).
import { lineChartSvg } from '../../report/svg-chart';
import { type Arm, roundSteps } from '../arm';
import { type ArmSummary, change, signed, summarizeArms } from '../stats';
import { allOf, type Claim, claimOf } from './claim';
import { LADDER_INIT, ladderShapes } from './ladder';
import type { Study } from './study';
import { armTable, bpbCell, CURVES_NOTE, changeCell, curvesChart, meansChart } from './table';

/** One round schedule: rounds, the sampling rate of the later rounds (null: one round), the paper's average score (null: not in the paper). */
export interface RoundSchedule {
  rounds: number;
  rate: number | null;
  paper: number | null;
}

/** The schedules of the study, in report order: the paper's three, then the rate varied at 2 rounds. */
export const ROUND_SCHEDULES: readonly RoundSchedule[] = [
  { rounds: 1, rate: null, paper: 51.61 },
  { rounds: 2, rate: 0.5, paper: 54.46 },
  { rounds: 3, rate: 0.5, paper: 54.44 },
  { rounds: 2, rate: 0.25, paper: null },
  { rounds: 2, rate: 0.75, paper: null },
];

/** The sampling rates compared at 2 rounds, and the paper's default. */
export const COMPARED_RATES = [0.25, 0.5, 0.75] as const;
export const PAPER_RATE = 0.5;

export const roundsArmId = (rounds: number, rate: number | null) => (rounds === 1 ? '1-round' : `${rounds}-rounds-${rate}`);
const ONE_ROUND = roundsArmId(1, null);

const scheduleName = (s: RoundSchedule) => (s.rate === null ? '1 round' : `${s.rounds} rounds at rate ${s.rate}`);

export const roundsStudy: Study = {
  name: 'rounds',
  title: 'multiple-round training',
  paper:
    'one round 51.61; two rounds at sampling rate 50% 54.46; three rounds 54.44 (average benchmark score, higher is better); ' +
    'two rounds at rate 0.5 is the default',
  async arms(i) {
    // the ladder's shape and init, so that `1-round` and `2-rounds-0.5` are the ladder's inheritance and two-rounds rungs (shared runs)
    const shape = ladderShapes({ params: i.params, bigVocab: i.bigVocab, compactVocab: i.compactVocab, teacher: i.teacher }).deeper;
    const { batches } = await i.pack(i.compactVocab);
    return ROUND_SCHEDULES.map((s): Arm => {
      // one round draws nothing; its rate only keys the run, so the ladder's default keeps it shared with the ladder
      const rate = s.rate ?? i.sampleRate;
      // refuses (naming --steps and the minimum) a budget whose first round would be shorter than a later one
      const split = roundSteps(i.steps, batches, s.rounds, rate, '--steps');
      return {
        id: roundsArmId(s.rounds, s.rate),
        label: s.rate === null ? '1 round' : `${s.rounds} rounds, ${s.rate}`,
        what:
          s.rate === null
            ? `1 round of ${split.first} steps`
            : `${scheduleName(s)}: ${split.first} + ${s.rounds - 1} × ${split.refined} steps, later rounds over batches drawn by loss`,
        vocab: i.compactVocab,
        shape,
        init: LADDER_INIT,
        rounds: s.rounds,
        sampleRate: rate,
        steps: i.steps,
      };
    });
  },
  report(results) {
    const rows = summarizeArms(results);
    const by = new Map(rows.map((r) => [r.arm.id, r]));
    const get = (id: string) => {
      const r = by.get(id);
      if (!r) throw new Error(`rounds study: no results for arm ${id}`);
      return r;
    };
    const one = get(ONE_ROUND);
    const two = get(roundsArmId(2, PAPER_RATE));
    const three = get(roundsArmId(3, PAPER_RATE));
    const compareTo = new Map(rows.filter((r) => r !== one).map((r) => [r.arm.id, ONE_ROUND]));

    // two rounds beat one
    const twoVsOne = change(one, two);
    const twoBeatsOne = claimOf(twoVsOne.verdict, 'better');
    // three rounds gain nothing over two: the claim holds unless the third round is better beyond the spread
    const threeVsTwo = change(two, three);
    const noFurtherGain: Claim =
      threeVsTwo.verdict === 'one seed' ? 'not judged (one seed)' : threeVsTwo.verdict === 'better' ? 'does not reproduce' : 'reproduces';
    // the sampling rate at two rounds: the best one, and whether it is better than each other beyond the spread
    const byRate = COMPARED_RATES.map((rate) => ({ rate, row: get(roundsArmId(2, rate)) }));
    const best = byRate.reduce((a, b) => (b.row.mean < a.row.mean ? b : a));
    const others = byRate.filter((x) => x !== best).map((x) => ({ rate: x.rate, ...change(best.row, x.row), row: x.row }));
    // the paper's default holds when no rate beats 0.5 beyond the spread, and reproduces when 0.5 beats both others
    const rateClaim: Claim =
      best.rate === PAPER_RATE ? allOf(others.map((o) => claimOf(o.verdict, 'worse'))) : claimOf(change(two, best.row).verdict, 'worse');
    const verdicts = { twoBeatsOne, noFurtherGain, paperRate: rateClaim };

    return {
      lines: [
        ...armTable(rows, compareTo),
        '',
        `Against two rounds at ${PAPER_RATE}: ` +
          [three, ...byRate.filter((x) => x.rate !== PAPER_RATE).map((x) => x.row)]
            .map((r) => `${r.arm.id} ${changeCell(two, r)}`)
            .join('; ') +
          '.',
        '',
        '![rounds](rounds.svg)',
        '',
        '![sampling rate](sampling-rate.svg)',
        '',
        '![curves](curves.svg)',
        '',
        CURVES_NOTE,
        '',
        '## Paper vs ours',
        '',
        ...paperVsOurs(one, rows),
        '',
        '## Verdicts',
        '',
        `- **2 rounds beat 1** (the paper: 54.46 against 51.61): **${twoBeatsOne}**; ${changeCell(one, two)}.`,
        `- **3 rounds gain nothing over 2** (the paper: 54.44 against 54.46): **${noFurtherGain}**; ${changeCell(two, three)}` +
          (threeVsTwo.verdict === 'worse' ? ' (the third round makes it worse: no gain either).' : '.'),
        `- **the sampling rate** (the paper's default ${PAPER_RATE}; it reports no other rate): best at 2 rounds is ${best.rate} ` +
          `(${best.row.mean.toFixed(4)}); ` +
          others
            .map(
              (o) =>
                `rate ${o.rate} ${signed(o.delta)} (${o.verdict === 'one seed' ? 'not judged: one seed' : `${o.verdict}: ${o.verdict === 'worse' ? 'larger than' : 'inside'} the seed spread ${o.spread.toFixed(4)}`})`,
            )
            .join('; ') +
          `; the default ${PAPER_RATE} being the best: **${rateClaim}**.`,
        '',
        'A change is "better" or "worse" only when it is larger than the spread (max − min) of both arms over the seeds; otherwise "within noise". ' +
          'Every arm trains the same steps in all, so the comparison is of how the steps are spent, not of how many there are.',
      ],
      charts: {
        'rounds.svg': meansChart('held-out bits per byte by round schedule (lower is better)', rows),
        'sampling-rate.svg': lineChartSvg(
          'held-out bits per byte against the sampling rate of round 2',
          'sampling rate',
          'held-out bits per byte',
          [
            { name: '2 rounds', points: byRate.map((x) => [x.rate, x.row.mean] as [number, number]) },
            {
              name: '1 round',
              points: [COMPARED_RATES[0], COMPARED_RATES[COMPARED_RATES.length - 1]].map((x) => [x, one.mean] as [number, number]),
            },
          ],
        ),
        'curves.svg': curvesChart('bits per byte during training, first 64 held-out sequences (seed 0)', results),
      },
      summary: {
        rows,
        changes: { twoVsOne, threeVsTwo, rates: others.map(({ rate, delta, spread, verdict }) => ({ rate, delta, spread, verdict })) },
        bestRate: best.rate,
        verdicts,
      },
    };
  },
};

/** The paper's score per schedule beside our bits per byte and change against 1 round. */
function paperVsOurs(one: ArmSummary, rows: readonly ArmSummary[]): string[] {
  const byId = new Map(rows.map((r) => [r.arm.id, r]));
  const paperOne = ROUND_SCHEDULES[0].paper!;
  return [
    '| schedule | paper: average score (higher is better) | paper: vs 1 round | ours: arm | ours: held-out bits/byte (lower is better) | ours: vs 1 round |',
    '|---|---|---|---|---|---|',
    ...ROUND_SCHEDULES.map((s) => {
      const r = byId.get(roundsArmId(s.rounds, s.rate))!;
      const c = r === one ? null : change(one, r);
      const paper = s.paper === null ? '— (not in the paper)' : s.paper.toFixed(2);
      const paperChange = s.paper === null || s.rate === null ? '—' : signed(s.paper - paperOne, 2);
      return `| ${scheduleName(s)} | ${paper} | ${paperChange} | ${r.arm.id} | ${bpbCell(r)} | ${c ? `${signed(c.delta)} (${c.verdict})` : '—'} |`;
    }),
  ];
}
