// JSON values and the stringify Hugging Face uses for the files it writes: 2-space indent and a
// trailing newline, keys sorted when asked (transformers writes config.json and the safetensors
// index with `json.dumps(..., indent=2, sort_keys=True) + "\n"`).
import { InvalidArgumentError, MAX_JSON_DEPTH, parseOptions, showPath, tooDeepAt } from '@tinylm/errors';
import { stringifyJsonOptions } from './options';

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Options for `stringifyJson`. */
export interface StringifyJsonOptions {
  /** Sort object keys (recursively), as Python's `sort_keys=True`. Default false. */
  sortKeys?: boolean;
  /** Indent width in spaces; default 2. */
  indent?: number;
}

// Built by hand rather than with JSON.stringify's replacer because JS objects always list
// integer-like keys ("0", "12") first, which would break the sort.
function sorted(value: unknown, pad: string, depth: number): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = pad.repeat(depth + 1);
  const outer = pad.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => inner + (sorted(v, pad, depth + 1) ?? 'null'));
    return `[\n${items.join(',\n')}\n${outer}]`;
  }
  const entries: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const text = sorted((value as Record<string, unknown>)[key], pad, depth + 1);
    if (text !== undefined) entries.push(`${inner}${JSON.stringify(key)}: ${text}`);
  }
  return entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n${outer}}`;
}

/** JSON text with indentation and a trailing newline, as Hugging Face writes its files. */
export function stringifyJson(value: unknown, options: StringifyJsonOptions = {}): string {
  options = parseOptions(stringifyJsonOptions, options, 'stringifyJson');
  // Both ways of writing below recurse once per level; refuse what would overflow the stack.
  const deep = tooDeepAt(value);
  if (deep) {
    throw new InvalidArgumentError({
      field: 'stringifyJson(value)',
      value,
      reason: `it nests deeper than ${MAX_JSON_DEPTH} levels at ${showPath(deep)}`,
      allowed: `JSON values nested at most ${MAX_JSON_DEPTH} levels`,
    });
  }
  const indent = options.indent ?? 2;
  const text = options.sortKeys ? sorted(value, ' '.repeat(indent), 0) : JSON.stringify(value, null, indent);
  if (text === undefined) throw new TypeError(`cannot write ${typeof value} as JSON`);
  return `${text}\n`;
}
