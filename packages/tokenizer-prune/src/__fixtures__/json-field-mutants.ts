// Structure-aware mutants of JSON seeds, beside the harness' byte mutants (which mostly break
// the syntax): one to three values at paths of a seed replaced by hostile ones — ids at and past
// 2^32, negative and fractional numbers, wrong types, unknown `type` names, deep nesting, long
// strings — or removed. The mutants are JSON texts as bytes, for `fuzz` (tooling/fuzz/harness.ts).

import fc from 'fast-check';

type Path = (string | number)[];

/** Every path of `value` (objects and arrays walked; only `sample` keys of objects larger than 32 keys). */
function pathsOf(value: unknown, sample = 8): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, path: Path) => {
    out.push(path);
    if (Array.isArray(v)) v.slice(0, 32).forEach((c, i) => walk(c, [...path, i]));
    else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      const chosen = keys.length > 32 ? keys.filter((_, i) => i % Math.ceil(keys.length / sample) === 0) : keys;
      for (const k of chosen) walk((v as Record<string, unknown>)[k], [...path, k]);
    }
  };
  walk(value, []);
  return out;
}

/** A string value standing for `[[[...]]]` nested that many levels deep in the mutant's text. */
const DEEP = '\u0000deep:';
const DEEP_IN_TEXT = /"\\u0000deep:(\d+)"/g;

/** Hostile replacement values. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(2 ** 32, 2 ** 32 + 1, 2 ** 53, -1, -0.5, 1.5, 1e308, 0, null, true, '', [], {}, 'Bogus', { type: 'Bogus' }, [[['a']]]),
  fc.constantFrom({ type: 'Sequence', normalizers: [{ type: 'Bogus' }] }, { type: 'Sequence', decoders: 5 }, { Regex: '(' }, { String: 5 }),
  // Deep nesting is spliced into the text (JSON.stringify itself cannot write it): see DEEP.
  fc.integer({ min: 1, max: 64 }).map((n) => `${DEEP}${n * 200}`),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 2000 }),
  fc.integer(),
);

/** Mutants of `seeds` (parsed JSON values) as UTF-8 JSON texts. */
export function jsonFieldMutants(seeds: readonly unknown[]): fc.Arbitrary<Uint8Array> {
  const cases = seeds.map((seed) => ({ seed, paths: pathsOf(seed) }));
  const encoder = new TextEncoder();
  return fc
    .constantFrom(...cases)
    .chain(({ seed, paths }) =>
      fc.tuple(
        fc.constant(seed),
        fc.array(fc.tuple(fc.constantFrom(...paths), fc.option(hostile, { freq: 6 })), { minLength: 1, maxLength: 3 }),
      ),
    )
    .map(([seed, edits]) => {
      const copy = structuredClone(seed);
      let root: unknown = copy;
      for (const [path, raw] of edits) {
        // A copy: fast-check hands out the same constant objects to many mutants.
        const value = structuredClone(raw);
        if (path.length === 0) {
          root = value;
          continue;
        }
        let parent = root as Record<string | number, unknown>;
        for (const key of path.slice(0, -1)) {
          if (parent === null || typeof parent !== 'object') break;
          parent = parent[key] as Record<string | number, unknown>;
        }
        if (parent === null || typeof parent !== 'object') continue;
        const last = path[path.length - 1];
        if (value === null) delete parent[last];
        else parent[last] = value;
      }
      const text = (JSON.stringify(root) ?? 'null').replace(DEEP_IN_TEXT, (_, n) => '['.repeat(Number(n)) + ']'.repeat(Number(n)));
      return encoder.encode(text);
    });
}
