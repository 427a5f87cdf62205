// How an error message shows a value: the way a user would have written it (`"2000"` for a
// string, `2000` for a number, JSON-like for objects and arrays), and always short.
//
// The values shown are often hostile input (a 100,000-deep JSON array, a 5,000-character shard
// name, a header with a million entries), so the work is bounded by what is shown, never by the
// value: nesting past MAX_DEPTH is shown as `[…]` / `{…}` (the recursion is at most MAX_DEPTH
// deep), a container shows at most MAX_ITEMS entries and its keys are read lazily (never
// `Object.keys` of a huge object), strings are cut before they are quoted, and the whole text
// stops at MAX_LENGTH characters. Getters and proxies that throw are shown as `?`: this never throws.

/** The longest text `showValue` returns, give or take the `…` and a string's length note. */
export const MAX_SHOWN_LENGTH = 200;
const MAX_DEPTH = 3;
const MAX_ITEMS = 10;
/** A string inside an object or array is cut shorter than one shown alone. */
const MAX_NESTED_STRING = 40;

/**
 * Shows `value` for an error message in at most about {@link MAX_SHOWN_LENGTH} characters:
 * `"2000"` for a string (a long one cut with `…` and its length), `2000` for a number (and a
 * bigint), JSON-like for objects and arrays (nested ones past a
 * small depth shown as `[…]` / `{…}`, cycles as `[Circular]`), `undefined`, `a function`.
 */
export function showValue(value: unknown): string {
  try {
    if (typeof value === 'string') {
      if (value.length <= MAX_SHOWN_LENGTH) return JSON.stringify(value);
      return `${quote(value, MAX_SHOWN_LENGTH - 40)} (${value.length} characters)`;
    }
    const out = new Output();
    show(value, 0, [], out);
    return out.text();
  } catch {
    // Only a hostile object (a proxy whose every trap throws, say) gets here.
    return 'a value that cannot be shown';
  }
}

/** The text being built, cut at MAX_SHOWN_LENGTH: once full, further writes are dropped. */
class Output {
  private parts: string[] = [];
  private length = 0;
  full = false;

  write(s: string): void {
    if (this.full) return;
    if (this.length + s.length > MAX_SHOWN_LENGTH) {
      this.parts.push(s.slice(0, MAX_SHOWN_LENGTH - this.length), '…');
      this.full = true;
      return;
    }
    this.parts.push(s);
    this.length += s.length;
  }

  text(): string {
    return this.parts.join('');
  }
}

function show(value: unknown, depth: number, ancestors: object[], out: Output): void {
  if (out.full) return;
  const text = leafText(value, depth, ancestors);
  if (text !== undefined) out.write(text);
  else if (Array.isArray(value)) showArray(value, depth, ancestors, out);
  else showObject(value as object, depth, ancestors, out);
}

/** The text of a value that is shown without walking into it, or undefined for an array or object. */
function leafText(value: unknown, depth: number, ancestors: object[]): string | undefined {
  if (typeof value === 'string') return depth === 0 ? JSON.stringify(value) : quote(value, MAX_NESTED_STRING);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value == null) return String(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  const obj = value as object;
  if (ancestors.includes(obj)) return '[Circular]';
  if (ArrayBuffer.isView(obj)) return `${obj.constructor?.name ?? 'ArrayBufferView'}(${obj.byteLength} bytes)`;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof Error) return `${obj.name}: ${quote(obj.message, MAX_NESTED_STRING).slice(1, -1)}`;
  if (obj instanceof Map || obj instanceof Set) return `${obj.constructor.name}(${obj.size})`;
  return undefined;
}

function showArray(arr: readonly unknown[], depth: number, ancestors: object[], out: Output): void {
  if (arr.length === 0 || depth >= MAX_DEPTH) {
    out.write(arr.length === 0 ? '[]' : '[…]');
    return;
  }
  out.write('[');
  ancestors.push(arr);
  const shown = Math.min(arr.length, MAX_ITEMS);
  for (let i = 0; i < shown && !out.full; i++) {
    if (i > 0) out.write(',');
    showEntry(arr, i, depth, ancestors, out);
  }
  ancestors.pop();
  if (arr.length > shown) out.write(`,… ${arr.length - shown} more`);
  out.write(']');
}

function showObject(obj: object, depth: number, ancestors: object[], out: Output): void {
  // `for…in` yields keys one at a time, so a million-key object costs MAX_ITEMS steps here.
  const keys: string[] = [];
  let more = false;
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    if (keys.length === MAX_ITEMS) {
      more = true;
      break;
    }
    keys.push(key);
  }
  if (keys.length === 0 || depth >= MAX_DEPTH) {
    out.write(keys.length === 0 ? '{}' : '{…}');
    return;
  }
  out.write('{');
  ancestors.push(obj);
  keys.forEach((key, i) => {
    if (out.full) return;
    if (i > 0) out.write(',');
    out.write(`${quote(key, MAX_NESTED_STRING)}:`);
    showEntry(obj, key, depth, ancestors, out);
  });
  ancestors.pop();
  if (more) out.write(',…');
  out.write('}');
}

/** A string as JSON, cut to `max` characters first (quoting a long string costs its length). */
function quote(s: string, max: number): string {
  if (s.length <= max) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, max)).slice(0, -1)}…"`;
}

/** One entry of a container; a getter that throws is shown as `?`. */
function showEntry(obj: object, key: string | number, depth: number, ancestors: object[], out: Output): void {
  let entry: unknown;
  try {
    entry = (obj as Record<string | number, unknown>)[key];
  } catch {
    out.write('?');
    return;
  }
  show(entry, depth + 1, ancestors, out);
}
