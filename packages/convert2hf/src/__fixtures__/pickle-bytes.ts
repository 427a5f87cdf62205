// Hand-built pickle streams for tests of hostile input: each opcode as its bytes (names and
// encodings as in CPython's Lib/pickletools.py), so a test can write the minimal stream that
// shows a defect without Python.

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Concatenates opcode pieces (byte arrays, numbers as single bytes, strings as latin-1). */
export function pickle(...parts: (Uint8Array | number | string)[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'number' ? Uint8Array.of(p) : typeof p === 'string' ? latin1(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.length) - c.length);
  return out;
}

const u32le = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);

export const op = {
  PROTO2: pickle(0x80, 2),
  STOP: '.',
  MARK: '(',
  POP: '0',
  EMPTY_LIST: ']',
  EMPTY_DICT: '}',
  EMPTY_SET: pickle(0x8f),
  EMPTY_TUPLE: ')',
  APPEND: 'a',
  APPENDS: 'e',
  ADDITEMS: pickle(0x90),
  SETITEM: 's',
  SETITEMS: 'u',
  TUPLE: 't',
  TUPLE1: pickle(0x85),
  TUPLE2: pickle(0x86),
  REDUCE: 'R',
  BINPERSID: 'Q',
  NEWFALSE: pickle(0x89),
  NONE: 'N',
  /** BININT1: an integer 0..255. */
  int1: (n: number) => pickle('K', n),
  /** BININT: a signed 32-bit integer. */
  int4: (n: number) => pickle('J', u32le(n)),
  /** LONG1 / LONG4: a little-endian two's-complement integer of `bytes`. */
  long: (bytes: Uint8Array) => (bytes.length < 256 ? pickle(0x8a, bytes.length, bytes) : pickle(0x8b, u32le(bytes.length), bytes)),
  /** BINUNICODE: a UTF-8 string. */
  str: (s: string) => {
    const utf8 = new TextEncoder().encode(s);
    return pickle('X', u32le(utf8.length), utf8);
  },
  /** UNICODE: a protocol-0 raw-unicode-escape line. */
  unicodeLine: (text: string) => pickle('V', text, '\n'),
  /** GLOBAL: `module.name` on two lines. */
  global: (module: string, name: string) => pickle('c', module, '\n', name, '\n'),
  /** BINPUT / BINGET: memo slots 0..255. */
  put: (i: number) => pickle('q', i),
  get: (i: number) => pickle('h', i),
};

/**
 * "Billion laughs": list i holds list i-1 twice (through the memo), `levels` deep, under key
 * `model` of a dict. A few hundred bytes that unfold into 2^levels leaves.
 */
export function billionLaughs(levels: number): Uint8Array {
  const parts: (Uint8Array | string | number)[] = [op.PROTO2, op.EMPTY_LIST, op.put(0), op.POP];
  for (let i = 1; i <= levels; i++) parts.push(op.EMPTY_LIST, op.MARK, op.get(i - 1), op.get(i - 1), op.APPENDS, op.put(i), op.POP);
  parts.push(op.EMPTY_DICT, op.str('model'), op.get(levels), op.SETITEM, op.STOP);
  return pickle(...parts);
}

/**
 * A torch state dict `{ [name]: tensor }` whose one tensor views storage "0" (`numel` float32
 * elements) with the given size, stride and offset, as torch.save pickles it.
 */
export function tensorStateDict(name: string, numel: number, size: Uint8Array[], stride: Uint8Array[], offset = 0): Uint8Array {
  const tuple = (items: Uint8Array[]) => pickle(op.MARK, ...items, op.TUPLE);
  return pickle(
    op.PROTO2,
    op.EMPTY_DICT,
    op.str(name),
    op.global('torch._utils', '_rebuild_tensor_v2'),
    op.MARK,
    op.MARK,
    op.str('storage'),
    op.global('torch', 'FloatStorage'),
    op.str('0'),
    op.str('cpu'),
    op.int4(numel),
    op.TUPLE,
    op.BINPERSID,
    op.int4(offset),
    tuple(size),
    tuple(stride),
    op.NEWFALSE,
    op.global('collections', 'OrderedDict'),
    op.EMPTY_TUPLE,
    op.REDUCE,
    op.TUPLE,
    op.REDUCE,
    op.SETITEM,
    op.STOP,
  );
}
