// How deep a parsed JSON file nests, measured without recursion. JSON.parse itself takes any
// depth, but everything after it that walks the value recursively (JSON.stringify in a message,
// the fingerprint's canonical form, hf-io's ByteLevel search, tokenizers.js' Sequence builders)
// overflows the stack on a few thousand levels. Real tokenizer, count, config and trainer-state files nest fewer than
// ten levels, so the readers refuse a file deeper than MAX_JSON_DEPTH before walking it.

/** The deepest nesting a tinylm JSON file may have (a real tokenizer.json has about 6 levels, config.json 3). */
export const MAX_JSON_DEPTH = 64;

/**
 * The path (keys from the top) of the first place where `value` nests deeper than `limit`
 * objects / arrays, or null when it does not. Each node is visited once; a node reached twice
 * (impossible for JSON.parse output, possible for a value built in memory) is not walked again.
 */
export function tooDeepAt(value: unknown, limit = MAX_JSON_DEPTH): (string | number)[] | null {
  if (value === null || typeof value !== 'object') return null;
  const seen = new Set<object>();
  // Each entry: the node, its depth, and the entry it was reached from (for the path).
  type Entry = { node: object; depth: number; key: string | number; parent: Entry | null };
  const stack: Entry[] = [{ node: value, depth: 1, key: '', parent: null }];
  while (stack.length > 0) {
    const entry = stack.pop() as Entry;
    if (entry.depth > limit) {
      const path: (string | number)[] = [];
      for (let e: Entry | null = entry; e?.parent; e = e.parent) path.unshift(e.key);
      return path;
    }
    if (seen.has(entry.node)) continue;
    seen.add(entry.node);
    if (Array.isArray(entry.node)) {
      entry.node.forEach((child, i) => {
        if (child !== null && typeof child === 'object') stack.push({ node: child, depth: entry.depth + 1, key: i, parent: entry });
      });
    } else {
      for (const [k, child] of Object.entries(entry.node)) {
        if (child !== null && typeof child === 'object') stack.push({ node: child, depth: entry.depth + 1, key: k, parent: entry });
      }
    }
  }
  return null;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JSON path as people write it: `model.vocab["a b"]`, `added_tokens[3].id` (long keys cut). */
export function showPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (IDENTIFIER.test(key) && key.length <= 64) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}]`;
  }
  return out;
}
