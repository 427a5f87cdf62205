// A small pickle writer (protocol 2, what torch.save uses) for the values a state dict needs:
// None, bools, ints, floats, strings, tuples, dicts and OrderedDicts, globals, REDUCE calls and
// persistent ids (how torch.save refers to storages). It writes the opcodes CPython's
// `pickle._Pickler` writes at protocol 2 (Lib/pickle.py: save_long, save_float, save_str,
// save_tuple, save_dict / _batch_setitems, save_global, save_reduce, save_pers), including its
// memo: a global, string, tuple, dict or call result met again is a BINGET of the first one, as
// Python does for the same object. Strings are shared by value (Python shares by identity; the
// pickle reads back the same either way).
// Values are the reader's own classes (pickle.ts: PyTuple, PyDict) plus a few writer-only ones.

import { showValue } from '@tinylm/errors';
import { ByteBuffer } from '@tinylm/hf-io';
import { CheckpointWriteError } from './errors';
import { PyDict, PyTuple } from './pickle';
import { OP, PICKLE_BATCH_SIZE, TORCH_PICKLE_PROTOCOL } from './pickle-opcodes';

/** A Python float (a plain integral `number` is written as an int; wrap it to write `1.0`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A reference to a Python global (a class or function), written as GLOBAL `module name`. */
export class PyGlobalRef {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** `callable(*args)`, written as REDUCE (what `__reduce__` returns, e.g. a tensor's rebuild call). */
export class PyReduce {
  constructor(
    readonly callable: PyGlobalRef,
    readonly args: PyTuple,
  ) {}
}

/** A persistent id (BINPERSID): the unpickler's `persistent_load(pid)` turns it into an object. */
export class PyPersistentId {
  constructor(readonly pid: PickleWritable) {}
}

/**
 * What `pickleValue` writes. Numbers: a safe integer is an int, any other number a float (wrap in
 * `PyFloat` for an integral float); bigints are ints. `PyTuple` items and `PyDict` keys and values
 * must be writable too. A `PyDict` is a dict, or with `className` 'collections.OrderedDict' an
 * OrderedDict (no other class, no `attrs`).
 */
export type PickleWritable =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | PyTuple
  | PyDict
  | PyGlobalRef
  | PyReduce
  | PyPersistentId;

/** How deep values may nest: a state dict is three levels deep; the bound keeps the recursion shallow. */
export const MAX_PICKLE_DEPTH = 64;

const ORDERED_DICT = new PyGlobalRef('collections', 'OrderedDict');
/** A dotted Python name: what GLOBAL's module and name lines may hold (no newline can slip in). */
const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** A lone UTF-16 surrogate: not encodable as UTF-8 (TextEncoder would silently write U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` is valid Unicode (no lone surrogate), so its UTF-8 is exactly what Python reads back. */
export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

const encoder = new TextEncoder();

/** Little-endian two's complement in the fewest bytes, as CPython's `encode_long` writes it. */
function encodeLong(x: bigint): Uint8Array {
  if (x === 0n) return new Uint8Array(0);
  const out: number[] = [];
  let v = x;
  // Emit bytes until the rest is pure sign extension and the last byte's top bit shows the sign.
  for (;;) {
    const byte = Number(v & 0xffn);
    out.push(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

function refuse(message: string, value?: unknown): never {
  throw new CheckpointWriteError({ message: `pickle writer: ${message}`, ...(value === undefined ? {} : { value: showValue(value) }) });
}

/**
 * Pickles `value` at protocol 2 (as torch.save does) and returns the bytes. Throws
 * `CheckpointWriteError` for a value it does not write (a class other than dict and OrderedDict,
 * a dict with attributes, a string that is not valid Unicode, a name
 * that is not a Python name, nesting deeper than `MAX_PICKLE_DEPTH`, a tuple containing itself).
 */
export function pickleValue(value: PickleWritable): Uint8Array {
  const out = new ByteBuffer(256);
  const memo = new Map<unknown, number>();
  const inProgress = new Set<object>();

  const put = (key: unknown) => {
    const index = memo.size;
    memo.set(key, index);
    if (index < 256) {
      out.u8(OP.BINPUT);
      out.u8(index);
    } else {
      out.u8(OP.LONG_BINPUT);
      out.u32(index);
    }
  };
  // Memo keys: objects by identity, strings and globals by value (under distinct prefixes).
  const fromMemo = (key: unknown): boolean => {
    const index = memo.get(key);
    if (index === undefined) return false;
    if (index < 256) {
      out.u8(OP.BINGET);
      out.u8(index);
    } else {
      out.u8(OP.LONG_BINGET);
      out.u32(index);
    }
    return true;
  };

  const int = (v: bigint) => {
    if (v >= 0n && v <= 0xffn) {
      out.u8(OP.BININT1);
      out.u8(Number(v));
    } else if (v >= 0n && v <= 0xffffn) {
      out.u8(OP.BININT2);
      out.u16(Number(v));
    } else if (v >= -0x80000000n && v <= 0x7fffffffn) {
      out.u8(OP.BININT);
      out.i32(Number(v));
    } else {
      const b = encodeLong(v);
      if (b.length < 256) {
        out.u8(OP.LONG1);
        out.u8(b.length);
      } else {
        out.u8(OP.LONG4);
        out.u32(b.length);
      }
      out.bytes(b);
    }
  };

  const str = (s: string) => {
    if (fromMemo(`s:${s}`)) return;
    if (!isWellFormedText(s)) refuse(`the string ${showValue(s)} holds a lone UTF-16 surrogate, which UTF-8 cannot encode`, s);
    const b = encoder.encode(s);
    out.u8(OP.BINUNICODE);
    out.u32(b.length);
    out.bytes(b);
    put(`s:${s}`);
  };

  const global = (g: PyGlobalRef) => {
    if (fromMemo(`g:${g.qualifiedName}`)) return;
    if (!PYTHON_NAME.test(g.module) || !PYTHON_NAME.test(g.name)) {
      refuse(
        `a global's module and name must be dotted Python names, found ${showValue(g.module)} and ${showValue(g.name)}`,
        g.qualifiedName,
      );
    }
    out.u8(OP.GLOBAL);
    out.bytes(encoder.encode(`${g.module}\n${g.name}\n`));
    put(`g:${g.qualifiedName}`);
  };

  const setItems = (d: PyDict, depth: number) => {
    const items = [...d.map];
    for (let start = 0; start < items.length; start += PICKLE_BATCH_SIZE) {
      const batch = items.slice(start, start + PICKLE_BATCH_SIZE);
      if (batch.length > 1) out.u8(OP.MARK);
      for (const [k, v] of batch) {
        save(k as PickleWritable, depth + 1);
        save(v as PickleWritable, depth + 1);
      }
      out.u8(batch.length > 1 ? OP.SETITEMS : OP.SETITEM);
    }
  };

  const tuple = (v: PyTuple, depth: number) => {
    const n = v.items.length;
    if (n === 0) {
      out.u8(OP.EMPTY_TUPLE); // never memoised: Python writes every () as EMPTY_TUPLE
      return;
    }
    if (inProgress.has(v)) refuse('a tuple contains itself');
    inProgress.add(v);
    if (n > 3) out.u8(OP.MARK);
    for (const item of v.items) save(item as PickleWritable, depth + 1);
    inProgress.delete(v);
    out.u8(n === 1 ? OP.TUPLE1 : n === 2 ? OP.TUPLE2 : n === 3 ? OP.TUPLE3 : OP.TUPLE);
    put(v);
  };

  const dictionary = (v: PyDict, depth: number) => {
    if (v.attrs) refuse('dicts with attributes (BUILD state, e.g. a state dict _metadata) are not written');
    if (v.className === undefined) {
      out.u8(OP.EMPTY_DICT);
    } else if (v.className === ORDERED_DICT.qualifiedName) {
      // OrderedDict.__reduce__: (OrderedDict, (), None, None, iter(items)), items by SETITEMS
      global(ORDERED_DICT);
      out.u8(OP.EMPTY_TUPLE);
      out.u8(OP.REDUCE);
    } else {
      refuse(`only dict and collections.OrderedDict are written, not ${showValue(v.className)}`, v.className);
    }
    // memoised before its items, as Python does, so a dict may contain itself
    put(v);
    setItems(v, depth);
  };

  const float = (x: number) => {
    out.u8(OP.BINFLOAT);
    out.f64be(x);
  };

  function save(v: PickleWritable, depth: number): void {
    if (depth > MAX_PICKLE_DEPTH) refuse(`values nest deeper than ${MAX_PICKLE_DEPTH} levels`);
    if (v === null) out.u8(OP.NONE);
    else if (v === true) out.u8(OP.NEWTRUE);
    else if (v === false) out.u8(OP.NEWFALSE);
    else if (typeof v === 'bigint') int(v);
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) int(BigInt(v));
      else float(v);
    } else if (typeof v === 'string') str(v);
    else if (v instanceof PyFloat) float(v.value);
    else if (v instanceof PyGlobalRef) global(v);
    else if (v instanceof PyPersistentId) {
      save(v.pid, depth + 1);
      out.u8(OP.BINPERSID);
    } else if (fromMemo(v)) {
      // written before: BINGET
    } else if (v instanceof PyTuple) tuple(v, depth);
    else if (v instanceof PyDict) dictionary(v, depth);
    else if (v instanceof PyReduce) {
      global(v.callable);
      save(v.args, depth + 1);
      out.u8(OP.REDUCE);
      put(v);
    } else {
      refuse(
        `cannot pickle ${showValue(v)} (allowed: null, booleans, numbers, bigints, strings, PyFloat, PyTuple, PyDict, PyGlobalRef, PyReduce, PyPersistentId)`,
        v,
      );
    }
  }

  out.u8(OP.PROTO);
  out.u8(TORCH_PICKLE_PROTOCOL);
  save(value, 0);
  out.u8(OP.STOP);
  return out.copy();
}
