// Checking a public function's options against a schema from any Standard Schema library
// (tinylm's packages use zod), and turning what it reports into one OptionsError.
import { OptionsError, type OptionIssue } from './options-error';
import type { StandardSchemaV1 } from './standard-schema';
import { showValue } from './show-value';

/**
 * Validates `value` with `schema` and returns the parsed options (defaults applied, as the
 * schema defines), or throws an OptionsError naming `where` and every problem. Unknown keys
 * (zod's `unrecognized_keys`) are reported with the keys allowed at that place and the nearest
 * one when it looks like a misspelling.
 */
export function parseOptions<S extends StandardSchemaV1>(schema: S, value: unknown, where: string): StandardSchemaV1.InferOutput<S> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise)
    throw new TypeError(`parseOptions(${where}): the schema validates asynchronously; options schemas must be synchronous`);
  if (result.issues === undefined) return result.value as StandardSchemaV1.InferOutput<S>;
  throw new OptionsError(
    where,
    result.issues.flatMap((issue) => describeIssue(schema, value, issue)),
  );
}

type Path = readonly PropertyKey[];

function keysOf(path: ReadonlyArray<PropertyKey | StandardSchemaV1.PathSegment> | undefined): Path {
  return (path ?? []).map((p) => (typeof p === 'object' && p !== null ? p.key : p));
}

function showPath(path: Path): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

function describeIssue(schema: StandardSchemaV1, value: unknown, issue: StandardSchemaV1.Issue): OptionIssue[] {
  const path = keysOf(issue.path);
  const extra = issue as { code?: unknown; keys?: unknown };
  if (extra.code === 'unrecognized_keys' && Array.isArray(extra.keys)) {
    const allowed = allowedKeys(schema, path);
    return extra.keys.map((key: string) => {
      const near = allowed && nearest(key, allowed);
      const hint = near ? ` (did you mean ${near}?)` : '';
      const list = allowed ? `; allowed: ${allowed.join(', ')}` : '';
      return { path: showPath([...path, key]), message: `unknown option${hint}${list}` };
    });
  }
  if (extra.code === 'invalid_type') {
    const got = valueAt(value, path);
    if (got !== undefined) return [{ path: showPath(path), message: `${issue.message} (got ${showValue(got)})` }];
  }
  return [{ path: showPath(path), message: issue.message }];
}

function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** The keys an object schema allows at `path`, read structurally from zod-like `shape`s. */
function allowedKeys(schema: unknown, path: Path): string[] | undefined {
  let node: unknown = schema;
  for (const key of path) {
    node = unwrap(node);
    const shape = shapeOf(node);
    const element = (node as { element?: unknown } | undefined)?.element;
    if (shape && typeof key === 'string' && key in shape) node = shape[key];
    else if (typeof key === 'number' && element) node = element;
    else return undefined;
  }
  const shape = shapeOf(unwrap(node));
  return shape ? Object.keys(shape).sort() : undefined;
}

function unwrap(node: unknown): unknown {
  for (let i = 0; i < 8 && node && typeof node === 'object'; i++) {
    const inner = (node as { unwrap?: () => unknown }).unwrap;
    if (typeof inner !== 'function' || shapeOf(node) || 'element' in node) break;
    node = inner.call(node);
  }
  return node;
}

function shapeOf(node: unknown): Record<string, unknown> | undefined {
  const shape = (node as { shape?: unknown } | null | undefined)?.shape;
  return shape && typeof shape === 'object' ? (shape as Record<string, unknown>) : undefined;
}

/** The allowed key within edit distance 2 (or a case-insensitive or snake/camel match). */
function nearest(key: string, allowed: readonly string[]): string | undefined {
  const norm = (s: string) => s.replace(/[_-]/g, '').toLowerCase();
  const same = allowed.find((a) => norm(a) === norm(key));
  if (same) return same;
  let best: string | undefined;
  let bestDistance = 3;
  for (const a of allowed) {
    const d = editDistance(key, a);
    if (d < bestDistance) [best, bestDistance] = [a, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
