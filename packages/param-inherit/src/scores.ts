// Importance scores of the prunable units inside the kept layers, shared by every width metric.
// A unit's parameters are every weight indexed by it:
//   query head h: rows of q_proj and columns of o_proj for its headDim channels;
//   KV head g: rows of k_proj and v_proj, plus everything of the query heads that read it;
//   FFN neuron j: row j of gate_proj and up_proj, column j of down_proj;
//   hidden channel c: column c of the embedding (kept vocabulary rows), the untied LM head and
//     every q/k/v/gate/up projection, row c of every o_proj / down_proj, entry c of every norm.
import type { ShrinkFlags } from './target';

/** Scores per unit: larger = more important. Only the structures that shrink are scored. */
export interface UnitScores {
  /** Per kept layer (in kept order), per source query head. */
  heads?: Float64Array[];
  /** Per kept layer, per source KV head (its group). */
  kvHeads?: Float64Array[];
  /** Per kept layer, per source FFN neuron. */
  ffn?: Float64Array[];
  /** Per source hidden channel. */
  hidden?: Float64Array;
}

/** Which structures need scores, from what shrinks. */
export interface ScoreNeeds {
  heads: boolean;
  kvHeads: boolean;
  ffn: boolean;
  hidden: boolean;
}

export function scoreNeeds(s: ShrinkFlags): ScoreNeeds {
  return { heads: s.heads || s.kvHeads, kvHeads: s.kvHeads, ffn: s.ffn, hidden: s.hidden };
}

export function anyScoreNeeded(n: ScoreNeeds): boolean {
  return n.heads || n.kvHeads || n.ffn || n.hidden;
}

/** Empty accumulators for `layers` kept layers. */
export function emptyScores(needs: ScoreNeeds, layers: number, h: number, kv: number, f: number, c: number): UnitScores {
  const per = (n: number) => Array.from({ length: layers }, () => new Float64Array(n));
  return {
    heads: needs.heads ? per(h) : undefined,
    kvHeads: needs.kvHeads ? per(kv) : undefined,
    ffn: needs.ffn ? per(f) : undefined,
    hidden: needs.hidden ? new Float64Array(c) : undefined,
  };
}

/** Adds every query head's score to its KV group's (g = h / kv heads per group). */
export function addHeadsToGroups(s: UnitScores, h: number, kv: number): void {
  if (!s.kvHeads || !s.heads) return;
  const g = h / kv;
  s.kvHeads.forEach((groups, l) => {
    for (let q = 0; q < h; q++) groups[Math.floor(q / g)] += s.heads![l][q];
  });
}

/** Applies `f` to every score (e.g. sqrt after summing squares). */
export function mapScores(s: UnitScores, f: (x: number) => number): void {
  const all = [...(s.heads ?? []), ...(s.kvHeads ?? []), ...(s.ffn ?? []), ...(s.hidden ? [s.hidden] : [])];
  for (const a of all) for (let i = 0; i < a.length; i++) a[i] = f(a[i]);
}
