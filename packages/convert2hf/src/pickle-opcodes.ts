// The pickle opcodes the writer emits (pickle-writer.ts), by their names in CPython's
// Lib/pickle.py and Lib/pickletools.py. The reader (pickle.ts) decodes the same bytes; a test
// (pickle-writer.test.ts) checks every value here against Python's own `pickle` module.

/** Opcode bytes, named as in CPython's Lib/pickle.py. */
export const OP = Object.freeze({
  PROTO: 0x80,
  STOP: 0x2e,
  MARK: 0x28,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  LONG1: 0x8a,
  LONG4: 0x8b,
  BINFLOAT: 0x47,
  BINUNICODE: 0x58,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_DICT: 0x7d,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  GLOBAL: 0x63,
  REDUCE: 0x52,
  BINPERSID: 0x51,
} as const);

/** The protocol torch.save pickles with (`DEFAULT_PROTOCOL = 2` in torch/serialization.py). */
export const TORCH_PICKLE_PROTOCOL = 2;

/** Items per SETITEMS: Python's `_BATCHSIZE`, so long dicts are written in the same batches. */
export const PICKLE_BATCH_SIZE = 1000;
