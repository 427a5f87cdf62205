// A restricted unpickler: reads Python pickle streams (protocols 0 to 5) into plain TypeScript
// values without executing anything. Every global (GLOBAL, STACK_GLOBAL, INST, OBJ) is looked up
// in an allow-list of handlers given by the caller; anything else is an `UnsafePickleError` that
// names the global. REDUCE, NEWOBJ and BUILD only ever call those handlers, so a pickle can build
// data and the objects the caller allowed, never run code.
// Opcode semantics follow CPython's Lib/pickle.py (`_Unpickler.load_*`) and Lib/pickletools.py,
// which documents each opcode's argument encoding; names written by Python 3 at protocol <= 2 are
// mapped back as `Unpickler(fix_imports=True)` does (`__builtin__` -> `builtins`,
// `copy_reg` -> `copyreg`).

import { PickleFormatError, UnsafePickleError } from './errors';
import { parseOptions, showValue } from '@tinylm/errors';
import { unpickleOptions } from './options';

/** A Python tuple (kept apart from lists, which are plain arrays). */
export class PyTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

/** A Python dict (or dict subclass such as `OrderedDict`), in insertion order. */
export class PyDict {
  /** The items; keys are strings, numbers, bigints, booleans, null or other pickle values. */
  readonly map = new Map<unknown, PickleValue>();
  /** Instance attributes set by BUILD (e.g. a state dict's `_metadata`), if any. */
  attrs: PyDict | undefined;
  /** The class that built it, as `module.name`, when not a plain dict. */
  readonly className: string | undefined;

  constructor(className?: string) {
    this.className = className;
  }

  get(key: unknown): PickleValue | undefined {
    return this.map.get(key);
  }
}

/** A Python set or frozenset. */
export class PySet {
  constructor(
    readonly items: PickleValue[],
    readonly frozen: boolean,
  ) {}
}

/** A global that was allowed, as a value on the stack (e.g. `torch.FloatStorage`). */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly handler: GlobalHandler,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Anything the unpickler can produce; handlers may add their own object types. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | object;

/** What an allowed global may do. A global without `call` or `construct` is only a value. */
export interface GlobalHandler {
  /** REDUCE (`global(*args)`): returns the built value. Throw to refuse the arguments. */
  call?(args: readonly PickleValue[], context: HandlerContext): PickleValue;
  /** NEWOBJ / NEWOBJ_EX (`cls.__new__(cls, *args)`): returns the new object. */
  construct?(args: readonly PickleValue[], context: HandlerContext): PickleValue;
}

/** Passed to handlers so their errors can name the source. */
export interface HandlerContext {
  /** Refuses the call with an `UnsafePickleError` naming the global and the reason. */
  refuse(reason: string): never;
}

/** Options for `unpickle`. */
export interface UnpickleOptions {
  /** The allow-list: `module.name` -> handler. Any other global is refused. */
  globals: Readonly<Record<string, GlobalHandler>>;
  /** PERSID / BINPERSID: turns a persistent id into a value; without it they are refused. */
  persistentLoad?(pid: PickleValue): PickleValue;
  /** Named in error messages (the file, or the archive entry). */
  source?: string;
}

/** An object a handler built that accepts BUILD (`__setstate__`). */
export interface Buildable {
  setState(state: PickleValue): void;
}

function isBuildable(value: unknown): value is Buildable {
  return value != null && typeof value === 'object' && typeof (value as Buildable).setState === 'function';
}

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

// A Map, not an object literal: a module named `__proto__` or `constructor` must not reach a prototype.
const RENAMED_MODULES: ReadonlyMap<string, string> = new Map([
  ['__builtin__', 'builtins'],
  ['copy_reg', 'copyreg'],
]);

/** A dotted Python name (`torch._utils`, `OrderedDict`): what a module or a global's name can be. */
const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** Names that are object machinery in JavaScript (and never a class a checkpoint needs). */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Work the handlers and BUILD may do per byte of pickle: each REDUCE / NEWOBJ / BUILD is charged the
 * size of what it is given (items of its list, dict or tuple arguments, characters of its strings),
 * so a memoised big value handed to a copying handler again and again (a few bytes per BINGET)
 * cannot turn a small stream into unbounded work or memory. Real pickles pass each value once.
 */
const WORK_PER_BYTE = 16;
const WORK_SLACK = 1 << 16;

/**
 * Reads one pickle from `bytes` with the restricted unpickler (see the file header). Throws
 * `UnsafePickleError` for a global outside `options.globals` (naming it) and `PickleFormatError`
 * for a truncated or corrupt stream.
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): PickleValue {
  const opts = parseOptions(unpickleOptions, options, 'unpickle');
  const source = opts.source ?? '<pickle>';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let stack: StackItem[] = [];
  const metastack: StackItem[][] = [];
  const memo = new Map<number, PickleValue>();
  const globals = new Map(Object.entries(opts.globals));
  let work = 0;
  const workLimit = WORK_SLACK + WORK_PER_BYTE * bytes.length;

  const corrupt = (message: string): never => {
    throw new PickleFormatError({ message: `${source}: pickle byte ${pos}: ${message}`, file: source });
  };
  const need = (n: number) => {
    if (pos + n > bytes.length) corrupt(`needs ${n} more bytes but the stream ends (truncated?)`);
  };
  const u8 = () => (need(1), bytes[pos++]);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) corrupt(`length ${v} is too large`);
    return Number(v);
  };
  const take = (n: number) => (need(n), (pos += n), bytes.subarray(pos - n, pos));
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) corrupt('a text argument has no terminating newline (truncated?)');
    const text = latin1(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const utf8 = (b: Uint8Array) => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      return corrupt('a string is not valid UTF-8');
    }
  };
  const pop = (): PickleValue => {
    if (stack.length === 0) corrupt('stack underflow');
    const v = stack.pop() as StackItem;
    if (v === MARK) corrupt('unexpected MARK on the stack');
    return v as PickleValue;
  };
  const top = (): PickleValue => {
    if (stack.length === 0) corrupt('stack underflow');
    const v = stack[stack.length - 1];
    if (v === MARK) corrupt('unexpected MARK on the stack');
    return v as PickleValue;
  };
  const popMark = (): PickleValue[] => {
    const items = stack as PickleValue[];
    if (metastack.length === 0) corrupt('no MARK to pop to');
    stack = metastack.pop() as StackItem[];
    return items;
  };
  const memoGet = (i: number): PickleValue => {
    if (!memo.has(i)) corrupt(`memo index ${i} was never stored`);
    return memo.get(i) as PickleValue;
  };
  const memoPut = (i: number) => memo.set(i, top());

  const findGlobal = (module: string, name: string): PyGlobal => {
    const parts = `${module}.${name}`.split('.');
    if (!PYTHON_NAME.test(module) || !PYTHON_NAME.test(name) || parts.some((p) => RESERVED_NAMES.has(p))) {
      throw new UnsafePickleError({
        message: `${source}: the pickle names the global ${showValue(module)}.${showValue(name)}, which is not a Python name this reader accepts (allowed: dotted identifiers, none of ${[...RESERVED_NAMES].join(', ')})`,
        file: source,
        value: `${module}.${name}`.slice(0, 200),
      });
    }
    const mod = RENAMED_MODULES.get(module) ?? module;
    const qualified = `${mod}.${name}`;
    const handler = globals.get(qualified);
    if (!handler) {
      throw new UnsafePickleError({
        message: `${source}: the pickle needs the global ${qualified}, which is not allowed (allowed: ${
          [...globals.keys()].sort().join(', ') || 'none'
        })`,
        file: source,
        global: qualified,
      });
    }
    return new PyGlobal(mod, name, handler);
  };
  const charge = (values: readonly PickleValue[], what: string) => {
    for (const v of values) work += 1 + shallowSize(v);
    if (work > workLimit) {
      corrupt(
        `${what}: the pickle asks for more than ${workLimit} units of work for its ${bytes.length} bytes (the same big value handed over again and again?)`,
      );
    }
  };
  const contextFor = (g: PyGlobal): HandlerContext => ({
    refuse(reason: string): never {
      throw new UnsafePickleError({ message: `${source}: ${g.qualifiedName}: ${reason}`, file: source, global: g.qualifiedName });
    },
  });
  const asGlobal = (value: PickleValue, what: string): PyGlobal => {
    if (!(value instanceof PyGlobal)) {
      throw new UnsafePickleError({ message: `${source}: ${what} on ${describe(value)}, which is not an allowed global`, file: source });
    }
    return value;
  };
  const callGlobal = (callable: PickleValue, args: readonly PickleValue[]): PickleValue => {
    const g = asGlobal(callable, 'a call (REDUCE)');
    charge(args, g.qualifiedName);
    const call = g.handler.call;
    if (!call) return contextFor(g).refuse('may not be called');
    return call(args, contextFor(g));
  };
  const constructGlobal = (cls: PickleValue, args: readonly PickleValue[]): PickleValue => {
    const g = asGlobal(cls, 'object creation (NEWOBJ)');
    charge(args, g.qualifiedName);
    const construct = g.handler.construct;
    if (!construct) return contextFor(g).refuse('may not be instantiated');
    return construct(args, contextFor(g));
  };
  const tupleItems = (value: PickleValue, what: string): readonly PickleValue[] => {
    if (!(value instanceof PyTuple)) corrupt(`${what} must be a tuple, found ${describe(value)}`);
    return (value as PyTuple).items;
  };
  const setItem = (dict: PickleValue, key: PickleValue, value: PickleValue) => {
    if (!(dict instanceof PyDict)) corrupt(`SETITEM(S) on ${describe(dict)}, not a dict`);
    (dict as PyDict).map.set(key, value);
  };
  const persistent = (pid: PickleValue): PickleValue => {
    if (!opts.persistentLoad) {
      throw new UnsafePickleError({ message: `${source}: the pickle holds a persistent id but none are allowed here`, file: source });
    }
    return opts.persistentLoad(pid);
  };

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) corrupt('pickle protocol above 5 is not supported');
        break;
      case 0x95: // FRAME: a length prefix for the next opcodes; the data is read as a stream
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        metastack.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length === 0) corrupt('stack underflow');
        if (stack[stack.length - 1] === MARK) popMark();
        else stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      // --- constants and numbers ---
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(decodeLong(take(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = i32();
        if (n < 0) corrupt('LONG4 with a negative length');
        stack.push(decodeLong(take(n)));
        break;
      }
      case 0x49: {
        // INT (text); "01"/"00" are True/False in protocol 0
        const text = line();
        if (text === '01') stack.push(true);
        else if (text === '00') stack.push(false);
        else stack.push(parseIntText(text, corrupt));
        break;
      }
      case 0x4c: // LONG (text, with an optional trailing L)
        stack.push(parseIntText(line().replace(/L$/, ''), corrupt));
        break;
      case 0x46: {
        // FLOAT (text)
        const v = Number(line());
        if (Number.isNaN(v)) corrupt('FLOAT is not a number');
        stack.push(v);
        break;
      }
      case 0x47: // BINFLOAT: big-endian double
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      // --- strings and bytes ---
      case 0x58: // BINUNICODE
        stack.push(utf8(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8(take(u64())));
        break;
      case 0x56: // UNICODE (raw-unicode-escape text)
        stack.push(rawUnicodeEscape(line(), corrupt));
        break;
      case 0x53: // STRING (a quoted Python 2 str literal)
        stack.push(pythonStringLiteral(line(), corrupt));
        break;
      case 0x54: {
        // BINSTRING
        const n = i32();
        if (n < 0) corrupt('BINSTRING with a negative length');
        stack.push(latin1(take(n)));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()).slice());
        break;
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()).slice());
        break;
      case 0x97: // NEXT_BUFFER
      case 0x98: // READONLY_BUFFER
        throw new UnsafePickleError({ message: `${source}: out-of-band buffers (pickle protocol 5) are not supported`, file: source });
      // --- containers ---
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b, c]));
        break;
      }
      case 0x74: {
        // TUPLE (popMark replaces `stack`, so it runs before the push)
        const items = popMark();
        stack.push(new PyTuple(items));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: {
        // LIST
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) corrupt(`APPEND to ${describe(list)}, not a list`);
        (list as PickleValue[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) corrupt(`APPENDS to ${describe(list)}, not a list`);
        // a loop, not push(...items): a spread of a few hundred thousand arguments overflows the stack
        for (const item of items) (list as PickleValue[]).push(item);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        if (items.length % 2 !== 0) corrupt('DICT with an odd number of items');
        const d = new PyDict();
        for (let i = 0; i < items.length; i += 2) d.map.set(items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItem(top(), k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        if (items.length % 2 !== 0) corrupt('SETITEMS with an odd number of items');
        const d = top();
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new PySet([], false));
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof PySet)) corrupt(`ADDITEMS to ${describe(s)}, not a set`);
        for (const item of items) (s as PySet).items.push(item);
        break;
      }
      case 0x91: {
        // FROZENSET
        const items = popMark();
        stack.push(new PySet(items, true));
        break;
      }
      // --- memo ---
      case 0x70: // PUT
        memoPut(parseIntIndex(line(), corrupt));
        break;
      case 0x71: // BINPUT
        memoPut(u8());
        break;
      case 0x72: // LONG_BINPUT
        memoPut(u32());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x67: // GET
        stack.push(memoGet(parseIntIndex(line(), corrupt)));
        break;
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      // --- globals and objects: only through the allow-list ---
      case 0x63: {
        // GLOBAL
        const module = line();
        const name = line();
        stack.push(findGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') corrupt('STACK_GLOBAL needs two strings');
        stack.push(findGlobal(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = tupleItems(pop(), 'REDUCE arguments');
        const callable = pop();
        stack.push(callGlobal(callable, args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = tupleItems(pop(), 'NEWOBJ arguments');
        const cls = pop();
        stack.push(constructGlobal(cls, args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = pop();
        const args = tupleItems(pop(), 'NEWOBJ_EX arguments');
        const cls = pop();
        if (!(kwargs instanceof PyDict) || kwargs.map.size > 0) {
          throw new UnsafePickleError({ message: `${source}: NEWOBJ_EX with keyword arguments is not supported`, file: source });
        }
        stack.push(constructGlobal(cls, args));
        break;
      }
      case 0x69: {
        // INST: module, name on the line, arguments since MARK
        const module = line();
        const name = line();
        const g = findGlobal(module, name);
        const args = popMark();
        stack.push(constructGlobal(g, args));
        break;
      }
      case 0x6f: {
        // OBJ: class and arguments since MARK
        const items = popMark();
        if (items.length === 0) corrupt('OBJ without a class');
        stack.push(constructGlobal(items[0], items.slice(1)));
        break;
      }
      case 0x62: {
        // BUILD: obj.__setstate__(state), or obj.__dict__.update(state)
        const state = pop();
        const obj = top();
        charge(state instanceof PyTuple ? state.items : [state], 'BUILD');
        if (isBuildable(obj)) obj.setState(state);
        else if (obj instanceof PyDict) buildDict(obj, state, corrupt);
        else {
          throw new UnsafePickleError({ message: `${source}: BUILD (setting state) on ${describe(obj)} is not supported`, file: source });
        }
        break;
      }
      case 0x50: // PERSID
        stack.push(persistent(line()));
        break;
      case 0x51: // BINPERSID
        stack.push(persistent(pop()));
        break;
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        throw new UnsafePickleError({
          message: `${source}: extension codes (copyreg's extension registry) are not supported`,
          file: source,
        });
      default:
        pos = at;
        corrupt(`unknown opcode 0x${op.toString(16).padStart(2, '0')} (corrupt or not a pickle)`);
    }
  }
}

function buildDict(obj: PyDict, state: PickleValue, corrupt: (m: string) => never): void {
  // state is a dict of attributes, or (dict_state, slot_state) as object.__reduce_ex__ writes.
  const parts = state instanceof PyTuple ? state.items : [state];
  for (const part of parts) {
    if (part === null) continue;
    if (!(part instanceof PyDict)) corrupt(`BUILD state for a dict must be a dict, found ${describe(part)}`);
    obj.attrs ??= new PyDict();
    for (const [k, v] of (part as PyDict).map) obj.attrs.map.set(k, v);
  }
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof PyGlobal) return value.qualifiedName;
  if (value instanceof PyTuple) return `a tuple of ${value.items.length}`;
  if (value instanceof PyDict) return value.className ? `a ${value.className}` : 'a dict';
  if (value instanceof PySet) return 'a set';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value instanceof Uint8Array) return `bytes (${value.length})`;
  if (typeof value === 'string') return showValue(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return String(value);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** The number of items or characters a value holds at its top level (what copying it costs). */
function shallowSize(value: PickleValue): number {
  if (typeof value === 'string' || value instanceof Uint8Array || Array.isArray(value)) return value.length;
  if (value instanceof PyTuple || value instanceof PySet) return value.items.length;
  if (value instanceof PyDict) return value.map.size;
  return 0;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * Little-endian two's-complement integer (LONG1 / LONG4), as a number when it is safe. Built from
 * one hex string (linear time): shifting a BigInt byte by byte is quadratic, 15 s for 200 KB.
 */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  const digits: string[] = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) digits[i] = HEX_BYTE[bytes[bytes.length - 1 - i]];
  let v = BigInt(`0x${digits.join('')}`);
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function parseIntText(text: string, corrupt: (m: string) => never): number | bigint {
  if (!/^[+-]?\d+$/.test(text.trim())) corrupt(`${showValue(text.length > 40 ? `${text.slice(0, 40)}...` : text)} is not an integer`);
  const v = BigInt(text.trim());
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function parseIntIndex(text: string, corrupt: (m: string) => never): number {
  const v = parseIntText(text, corrupt);
  if (typeof v !== 'number' || v < 0) corrupt(`bad memo index ${text}`);
  return v as number;
}

/** A protocol-0 UNICODE argument (raw-unicode-escape); an escape above U+10FFFF is corrupt, as in Python. */
function rawUnicodeEscape(text: string, corrupt: (m: string) => never): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (seq: string, u4: string, u8: string) => {
    const code = parseInt(u4 ?? u8, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : corrupt(`UNICODE escape ${seq} is above U+10FFFF, the largest code point`);
  });
}

/** A protocol-0 STRING argument: a Python 2 str literal in single or double quotes. */
function pythonStringLiteral(text: string, corrupt: (m: string) => never): string {
  const q = text[0];
  if (text.length < 2 || (q !== "'" && q !== '"') || text[text.length - 1] !== q) corrupt('STRING argument is not quoted');
  const body = text.slice(1, -1);
  const simple = new Map<string, string>([
    ['n', '\n'],
    ['r', '\r'],
    ['t', '\t'],
    ['\\', '\\'],
    ["'", "'"],
    ['"', '"'],
    ['a', '\x07'],
    ['b', '\b'],
    ['f', '\f'],
    ['v', '\v'],
    ['0', '\0'],
  ]);
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, esc: string) => {
    if (esc[0] === 'x') return String.fromCharCode(parseInt(esc.slice(1), 16));
    if (/^[0-7]+$/.test(esc)) return String.fromCharCode(parseInt(esc, 8));
    return simple.get(esc) ?? `\\${esc}`;
  });
}
