// The verdict on one of the paper's claims, from the changes the studies measure: a claim
// reproduces only when our change goes the paper's way by more than the seeds' spread.
import type { Verdict } from '../stats';

/** A verdict on one of the paper's claims ("not judged" with one seed: there is no spread to compare with). */
export type Claim = 'reproduces' | 'does not reproduce' | 'within noise' | 'not judged (one seed)';

/** The claim's verdict from a change whose expected direction is `expected`. */
export function claimOf(v: Verdict, expected: 'better' | 'worse'): Claim {
  if (v === 'one seed') return 'not judged (one seed)';
  if (v === 'within noise') return v;
  return v === expected ? 'reproduces' : 'does not reproduce';
}

/** A claim made of several: fails if any part fails, reproduces only if every part does. */
export function allOf(claims: readonly Claim[]): Claim {
  for (const c of ['does not reproduce', 'not judged (one seed)', 'within noise'] as const) if (claims.includes(c)) return c;
  return 'reproduces';
}
