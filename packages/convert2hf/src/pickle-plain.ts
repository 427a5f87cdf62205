// A pickled value as plain JSON-like data (what a model config such as InternEvo's
// `model_config.pt` is read as). A pickle's memo lets a few hundred bytes build a graph whose tree
// unfolds to billions of nodes ("billion laughs": each list holds the previous one twice, via
// BINGET) or refers to itself. So each object is converted once and its result reused, and the
// size of the tree the result stands for is counted and bounded: the work is linear in the graph,
// and whoever walks the result (JSON.stringify, a deep copy) meets a bounded tree.

import { SourceCheckpointError } from './errors';
import { type PickleValue, PyDict, PyGlobal, PySet, PyTuple } from './pickle';

/** Options for `toPlain`. */
export interface ToPlainOptions {
  /** Named in error messages (the file the value was read from). */
  source?: string;
  /**
   * The most nodes the plain tree may have, counting a shared value once per place it appears.
   * Default 1,000,000; readers pass a budget proportional to the pickle's size.
   */
  maxNodes?: number;
}

/** How deep a plain value may nest: configs are a few levels deep; this also bounds the recursion. */
export const MAX_PLAIN_DEPTH = 64;
const DEFAULT_MAX_NODES = 1_000_000;

interface Converted {
  readonly plain: unknown;
  /** Nodes of the tree `plain` stands for (a shared child counted each time). */
  readonly nodes: number;
}

/**
 * A pickled value as plain JSON-like data: dicts become objects (string keys), tuples, lists and
 * sets arrays, torch dtypes strings such as "torch.bfloat16", big integers strings. Tensors and
 * other objects become `undefined` (left out). A value met twice (a memoised reference) is
 * converted once and the result shared. Throws `SourceCheckpointError` naming `options.source` for
 * a value that refers to itself, nests deeper than 64 levels, or unfolds to more than
 * `options.maxNodes` nodes.
 */
export function toPlain(value: PickleValue, options: ToPlainOptions = {}): unknown {
  const source = options.source ?? '<pickle>';
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  const done = new Map<object, Converted>();
  const inProgress = new Set<object>();
  const refuse = (why: string): never => {
    throw new SourceCheckpointError({ message: `${source}: the pickled value ${why}; it cannot be read as plain data`, file: source });
  };

  const convert = (v: PickleValue, depth: number): Converted => {
    if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return { plain: v, nodes: 1 };
    if (typeof v === 'bigint') return { plain: v.toString(), nodes: 1 };
    if (v instanceof PyGlobal) return { plain: v.qualifiedName, nodes: 1 };
    if (typeof v !== 'object') return { plain: undefined, nodes: 0 };
    const seen = done.get(v);
    if (seen) return seen;
    if (inProgress.has(v)) refuse('refers to itself (a cycle)');
    if (depth >= MAX_PLAIN_DEPTH) refuse(`nests deeper than ${MAX_PLAIN_DEPTH} levels`);
    inProgress.add(v);
    let nodes = 1;
    const add = (child: Converted) => {
      nodes += child.nodes;
      if (nodes > maxNodes) refuse(`unfolds to more than ${maxNodes} nodes (shared references nested inside each other?)`);
      return child.plain;
    };
    let plain: unknown;
    const items = v instanceof PyTuple || v instanceof PySet ? v.items : Array.isArray(v) ? v : undefined;
    if (items) {
      const out: unknown[] = [];
      for (const item of items) out.push(add(convert(item, depth + 1)));
      plain = out;
    } else if (v instanceof PyDict) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of v.map) {
        if (typeof k !== 'string' && typeof k !== 'number') continue;
        const child = add(convert(x, depth + 1));
        // defineProperty: a key such as `__proto__` becomes an own property, not the prototype
        if (child !== undefined)
          Object.defineProperty(out, String(k), { value: child, enumerable: true, writable: true, configurable: true });
      }
      plain = out;
    } else {
      nodes = 0;
    }
    inProgress.delete(v);
    const result = { plain, nodes };
    done.set(v, result);
    return result;
  };

  return convert(value, 0).plain;
}
