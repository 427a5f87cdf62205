// Reading files written by `torch.save` (PyTorch's zip format, the default since PyTorch 1.6)
// without PyTorch and without executing the pickle inside.
// Follows torch/serialization.py (`_save`, `_load`, `persistent_load`) and torch/_utils.py
// (`_rebuild_tensor_v2`, `_rebuild_parameter`): the archive holds `<name>/data.pkl`, a pickle of
// the saved object in which every storage is a persistent id
// `('storage', storage_type, key, location, numel)` whose bytes are the entry `<name>/data/<key>`
// (little-endian unless `<name>/byteorder` says otherwise), and every tensor is
// `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
// backward_hooks[, metadata])`. Only the globals needed to rebuild tensors, storages, state-dict
// containers and torch dtypes are allowed (`TORCH_GLOBALS`); anything else is refused by name.
// Tensors are not read at load time: each `TorchTensor` reads its bytes from the archive on demand.

import { decodeTensorAsFloat32, type Dtype, dtypeByteSize } from '@tinylm/hf-io';
import { SourceCheckpointError, ZipFormatError } from './errors';
import { type GlobalHandler, type PickleValue, PyDict, PyGlobal, PySet, PyTuple, describe, unpickle } from './pickle';
import { openZip, type ZipArchive } from './zip-reader';
import { parseOptions, showValue } from '@tinylm/errors';
import { loadTorchFileOptions, stateDictOptions } from './options';

export { type ToPlainOptions, toPlain } from './pickle-plain';

/** Legacy typed-storage classes (what `storage_type` in a persistent id names) and their dtypes. */
export const TORCH_STORAGE_DTYPES: Readonly<Record<string, Dtype>> = Object.freeze({
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
});

/** torch dtypes a pickle may name (e.g. a model config's `dtype=torch.bfloat16`); read as strings. */
const TORCH_DTYPE_NAMES = ['float32', 'float16', 'bfloat16', 'float64', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool'];

/** A storage of a torch checkpoint: one archive entry of raw little-endian elements. */
export class TorchStorage {
  constructor(
    readonly archive: ZipArchive,
    /** The archive entry holding the bytes, e.g. `archive/data/0`. */
    readonly entry: string,
    readonly key: string,
    readonly dtype: Dtype,
    /** Number of elements. */
    readonly numel: number,
  ) {}
}

/** A tensor of a torch checkpoint: a strided view of a storage, read on demand. */
export class TorchTensor {
  constructor(
    readonly storage: TorchStorage,
    /** Offset of the first element, in elements. */
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}

  get dtype(): Dtype {
    return this.storage.dtype;
  }

  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** True when the elements are laid out row-major without gaps. */
  get contiguous(): boolean {
    let expected = 1;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      if (this.shape[d] !== 1 && this.stride[d] !== expected) return false;
      expected *= this.shape[d];
    }
    return true;
  }

  /** The tensor's elements as little-endian bytes in row-major order (gathered if strided). */
  async readBytes(): Promise<Uint8Array> {
    const es = dtypeByteSize(this.dtype);
    const n = this.numel;
    if (n === 0) return new Uint8Array(0);
    if (this.contiguous) return this.storage.archive.readRange(this.storage.entry, this.offset * es, n * es);
    let span = 0;
    for (let d = 0; d < this.shape.length; d++) span += (this.shape[d] - 1) * this.stride[d];
    const src = await this.storage.archive.readRange(this.storage.entry, this.offset * es, (span + 1) * es);
    const out = new Uint8Array(n * es);
    // Gathered a row at a time: a row whose elements are adjacent in the storage is one copy.
    const rank = this.shape.length;
    const rowLength = this.shape[rank - 1];
    const rowStride = this.stride[rank - 1];
    const index = new Array<number>(rank).fill(0);
    let srcElem = 0;
    for (let row = 0; row < n / rowLength; row++) {
      const at = row * rowLength * es;
      if (rowStride === 1) out.set(src.subarray(srcElem * es, (srcElem + rowLength) * es), at);
      else
        for (let i = 0; i < rowLength; i++)
          out.set(src.subarray((srcElem + i * rowStride) * es, (srcElem + i * rowStride + 1) * es), at + i * es);
      for (let d = rank - 2; d >= 0; d--) {
        index[d]++;
        srcElem += this.stride[d];
        if (index[d] < this.shape[d]) break;
        srcElem -= this.stride[d] * this.shape[d];
        index[d] = 0;
      }
    }
    return out;
  }

  /** The elements converted to float32 (F16 and BF16 exactly), row-major. */
  async readFloat32(): Promise<Float32Array> {
    return decodeTensorAsFloat32(await this.readBytes(), this.dtype);
  }
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/**
 * Dimensions a tensor may have. Real ones have a handful; the bound keeps each rebuild call cheap
 * even when a pickle hands one memoised many-dimensional size (with a 0, so it fits any storage)
 * to thousands of calls through `_rebuild_from_type_v2`.
 */
const MAX_TENSOR_RANK = 64;

function intTuple(value: PickleValue, what: string, refuse: (m: string) => never): number[] {
  if (value instanceof PyTuple && value.items.length > MAX_TENSOR_RANK) {
    refuse(`${what} has ${value.items.length} dimensions; at most ${MAX_TENSOR_RANK} are supported`);
  }
  if (!(value instanceof PyTuple) || !value.items.every(isInt)) refuse(`${what} must be a tuple of integers, found ${describe(value)}`);
  return [...((value as PyTuple).items as number[])];
}

function emptyHooks(value: PickleValue): boolean {
  return value === null || (value instanceof PyDict && value.map.size === 0);
}

/** What `rebuildTensor` lets a tensor claim (see `LoadTorchFileOptions.maxTensorExpansion`). */
interface TensorLimits {
  readonly maxTensorExpansion: number;
  /** The pickle, named in refusals. */
  readonly source: string;
}

/** The default of `LoadTorchFileOptions.maxTensorExpansion`. */
export const DEFAULT_MAX_TENSOR_EXPANSION = 64;
/** Elements any tensor may have whatever its storage (a broadcast scalar bias, say). */
const EXPANSION_FLOOR = 65_536;

function rebuildTensor(args: readonly PickleValue[], refuse: (m: string) => never, limits: TensorLimits): TorchTensor {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorage)) refuse(`expects a storage first, found ${describe(storage)}`);
  if (!isInt(offset) || offset < 0) refuse(`storage_offset must be an integer >= 0, found ${describe(offset)}`);
  const shape = intTuple(size, 'size', refuse);
  const strides = intTuple(stride, 'stride', refuse);
  if (shape.length !== strides.length) refuse(`size has ${shape.length} dimensions but stride has ${strides.length}`);
  if (shape.some((s) => s < 0) || strides.some((s) => s < 0)) refuse('negative sizes or strides are not supported');
  const s = storage as TorchStorage;
  const n = shape.reduce((a, b) => a * b, 1);
  // A stride-0 view (`expand()`) of a few elements can claim any size, and reading it materialises
  // every element: refuse what is far beyond the storage's real elements, before anything is allocated.
  const allowed = Math.max(EXPANSION_FLOOR, limits.maxTensorExpansion * s.numel);
  if (n > allowed) {
    throw new SourceCheckpointError({
      message:
        `${limits.source}: a tensor of size [${shape}] stride [${strides}] has ${n} elements but its storage ${showValue(s.key)} holds ${s.numel}; ` +
        `at most ${allowed} are read (maxTensorExpansion = ${limits.maxTensorExpansion} times the storage, at least ${EXPANSION_FLOOR}); ` +
        'raise maxTensorExpansion to read such broadcast views',
      file: limits.source,
      field: 'maxTensorExpansion',
      value: n,
      allowed: `at most ${allowed} elements`,
    });
  }
  if (n > 0) {
    let last = offset as number;
    for (let d = 0; d < shape.length; d++) last += (shape[d] - 1) * strides[d];
    if (last >= s.numel) {
      refuse(
        `a tensor of size [${shape}] stride [${strides}] at offset ${offset} reaches element ${last} of storage ${s.key}, which has ${s.numel}`,
      );
    }
  }
  return new TorchTensor(s, offset as number, shape, strides);
}

const rebuildTensorV2 = (limits: TensorLimits): GlobalHandler => ({
  call(args, { refuse }) {
    if (args.length < 6 || args.length > 7) refuse(`expects 6 or 7 arguments, found ${args.length}`);
    if (!emptyHooks(args[5])) refuse('tensors with backward hooks are not supported (hooks are code)');
    if (args.length === 7 && !(args[6] === null || (args[6] instanceof PyDict && args[6].map.size === 0))) {
      refuse('tensor metadata (e.g. conjugate or negative bits) is not supported');
    }
    return rebuildTensor(args, refuse, limits);
  },
});

const TENSOR_TYPES = new Set(['torch.Tensor', 'torch.nn.parameter.Parameter']);

/**
 * The globals a torch state dict (or a dict of plain values) may use, with tensors held to `limits`.
 * Everything here only builds data: tensors and storages, ordered dicts, sets, bytes, and torch
 * dtypes (as strings).
 */
function torchGlobals(limits: TensorLimits): Readonly<Record<string, GlobalHandler>> {
  return Object.freeze({
    'collections.OrderedDict': {
      call(args, { refuse }) {
        const d = new PyDict('collections.OrderedDict');
        if (args.length === 0) return d;
        if (args.length === 1 && Array.isArray(args[0])) {
          for (const pair of args[0] as PickleValue[]) {
            const kv = pair instanceof PyTuple ? pair.items : Array.isArray(pair) ? pair : undefined;
            if (kv?.length !== 2) return refuse('expects a list of (key, value) pairs');
            d.map.set(kv[0], kv[1]);
          }
          return d;
        }
        return refuse(`expects no arguments or a list of pairs, found ${args.length} arguments`);
      },
    },
    'torch._utils._rebuild_tensor_v2': rebuildTensorV2(limits),
    'torch._utils._rebuild_tensor': {
      call(args, { refuse }) {
        if (args.length !== 4) refuse(`expects 4 arguments, found ${args.length}`);
        return rebuildTensor(args, refuse, limits);
      },
    },
    'torch._utils._rebuild_parameter': {
      call(args, { refuse }) {
        if (args.length !== 3 || !(args[0] instanceof TorchTensor)) refuse('expects (tensor, requires_grad, backward_hooks)');
        if (!emptyHooks(args[2])) refuse('parameters with backward hooks are not supported (hooks are code)');
        return args[0];
      },
    },
    'torch._utils._rebuild_parameter_with_state': {
      call(args, { refuse }) {
        if (args.length !== 4 || !(args[0] instanceof TorchTensor)) refuse('expects (tensor, requires_grad, backward_hooks, state)');
        if (!emptyHooks(args[2])) refuse('parameters with backward hooks are not supported (hooks are code)');
        return args[0];
      },
    },
    'torch._tensor._rebuild_from_type_v2': {
      call(args, { refuse }) {
        const [func, type, inner] = args;
        if (args.length !== 4 || !(func instanceof PyGlobal) || !(inner instanceof PyTuple)) refuse('expects (func, type, args, state)');
        const f = func as PyGlobal;
        if (!(type instanceof PyGlobal) || !TENSOR_TYPES.has(type.qualifiedName)) {
          refuse(`only torch.Tensor and torch.nn.parameter.Parameter are allowed as the type, found ${describe(type)}`);
        }
        const call = f.handler.call;
        if (!f.qualifiedName.startsWith('torch._utils._rebuild_') || !call)
          return refuse(`${f.qualifiedName} is not a tensor rebuild function`);
        return call((inner as PyTuple).items, { refuse });
      },
    },
    'torch.Tensor': {},
    'torch.nn.parameter.Parameter': {},
    '_codecs.encode': {
      // Python 3 pickles bytes at protocol <= 2 as _codecs.encode(text, 'latin1').
      call(args, { refuse }) {
        if (args.length !== 2 || typeof args[0] !== 'string' || args[1] !== 'latin1') refuse("expects (str, 'latin1')");
        const text = args[0] as string;
        const out = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) {
          const c = text.charCodeAt(i);
          if (c > 255) refuse('text is not latin-1');
          out[i] = c;
        }
        return out;
      },
    },
    'builtins.set': { call: (args, ctx) => new PySet(setItems(args, ctx.refuse), false) },
    'builtins.frozenset': { call: (args, ctx) => new PySet(setItems(args, ctx.refuse), true) },
    ...Object.fromEntries(Object.keys(TORCH_STORAGE_DTYPES).map((name) => [`torch.${name}`, {}])),
    ...Object.fromEntries(TORCH_DTYPE_NAMES.map((name) => [`torch.${name}`, {}])),
  });
}

/**
 * The globals a torch state dict (or a dict of plain values) may use. Everything here only builds
 * data: tensors and storages, ordered dicts, sets, bytes, and torch dtypes (as strings). Tensors
 * are held to the default `maxTensorExpansion`.
 */
export const TORCH_GLOBALS: Readonly<Record<string, GlobalHandler>> = torchGlobals({
  maxTensorExpansion: DEFAULT_MAX_TENSOR_EXPANSION,
  source: '<pickle>',
});

function setItems(args: readonly PickleValue[], refuse: (m: string) => never): PickleValue[] {
  if (args.length === 0) return [];
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as PickleValue[])];
  return refuse('expects no arguments or one list');
}

/** A file written by `torch.save`, opened with `loadTorchFile`. Call `close()` when done. */
export interface TorchFile {
  readonly path: string;
  /** The unpickled object: tensors are `TorchTensor`s, dicts `PyDict`s, tuples `PyTuple`s. */
  readonly object: PickleValue;
  /** The archive, open until `close()`. */
  readonly archive: ZipArchive;
  /** Size of the pickle (`<name>/data.pkl`) in bytes: what budgets for walking `object` are measured against. */
  readonly pickleBytes: number;
  close(): Promise<void>;
}

/** Options for `loadTorchFile`. */
export interface LoadTorchFileOptions {
  /** More allowed globals (e.g. a framework's config class), added to `TORCH_GLOBALS`. */
  extraGlobals?: Readonly<Record<string, GlobalHandler>>;
  /**
   * The most elements a tensor may have, as a multiple of its storage's elements (never fewer
   * than 65,536 are allowed). A stride-0 view (`t.expand(...)`) holds few elements but claims
   * many, and reading it materialises them all, so a few hundred bytes of checkpoint could ask for
   * gigabytes. Default 64; raise it for a checkpoint that really holds wide broadcast views.
   * A tensor beyond it is a `SourceCheckpointError` naming the file, the size and this option.
   */
  maxTensorExpansion?: number;
}

/**
 * Opens a `torch.save` file: reads the zip directory and unpickles `data.pkl` with the restricted
 * unpickler; tensor bytes are read later, on demand. Throws `ZipFormatError` for a truncated or
 * corrupt archive, `UnsafePickleError` naming a refused global, `PickleFormatError` for a corrupt
 * pickle, and `SourceCheckpointError` for a storage that does not match its archive entry or for
 * formats this reader does not handle (pre-1.6 non-zip files, TorchScript archives, big-endian).
 */
export async function loadTorchFile(path: string, options: LoadTorchFileOptions = {}): Promise<TorchFile> {
  const opts = parseOptions(loadTorchFileOptions, options, 'loadTorchFile');
  let archive: ZipArchive;
  try {
    archive = await openZip(path);
  } catch (error) {
    if (ZipFormatError.isInstance(error) && (await looksLikeLegacyTorch(path))) {
      throw new SourceCheckpointError({
        message: `${path}: this is PyTorch's legacy (pre-1.6, non-zip) torch.save format, which is not supported; re-save it with torch.save(obj, path) from PyTorch >= 1.6`,
        file: path,
        cause: error,
      });
    }
    throw error;
  }
  try {
    const pkl = [...archive.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (pkl.length !== 1) {
      const torchScript = [...archive.entries.keys()].some((n) => /(^|\/)constants\.pkl$/.test(n));
      throw new SourceCheckpointError({
        message: torchScript
          ? `${path}: this is a TorchScript archive (torch.jit.save), not a torch.save file`
          : `${path}: expected exactly one <name>/data.pkl in the archive, found ${pkl.length}; not a torch.save file`,
        file: path,
      });
    }
    const prefix = pkl[0].slice(0, -'data.pkl'.length);
    if (archive.entries.has(`${prefix}byteorder`)) {
      const order = new TextDecoder().decode(await archive.read(`${prefix}byteorder`)).trim();
      if (order !== 'little') {
        throw new SourceCheckpointError({
          message: `${path}: byteorder is ${showValue(order.slice(0, 40))}; only little-endian checkpoints are supported`,
          file: path,
        });
      }
    }
    const storages = new Map<string, TorchStorage>();
    const source = `${path}:${pkl[0]}`;
    const pickle = await archive.read(pkl[0]);
    const limits = { maxTensorExpansion: opts.maxTensorExpansion ?? DEFAULT_MAX_TENSOR_EXPANSION, source };
    const object = unpickle(pickle, {
      globals: { ...torchGlobals(limits), ...opts.extraGlobals },
      source,
      persistentLoad(pid) {
        const items = pid instanceof PyTuple ? pid.items : undefined;
        const bad = (why: string): never => {
          throw new SourceCheckpointError({ message: `${source}: persistent id ${describe(pid)}: ${why}`, file: path });
        };
        if (items?.length !== 5 || items[0] !== 'storage') bad("expected ('storage', storage_type, key, location, numel)");
        const [, type, key, , numel] = items as PickleValue[];
        if (!(type instanceof PyGlobal) || type.module !== 'torch' || !Object.hasOwn(TORCH_STORAGE_DTYPES, type.name)) {
          bad(
            `storage type ${describe(type)} is not one of ${Object.keys(TORCH_STORAGE_DTYPES)
              .map((n) => `torch.${n}`)
              .join(', ')}`,
          );
        }
        if (typeof key !== 'string' || !isInt(numel) || numel < 0) bad('storage key must be a string and numel an integer >= 0');
        const cached = storages.get(key as string);
        if (cached) return cached;
        const dtype = TORCH_STORAGE_DTYPES[(type as PyGlobal).name];
        const entry = `${prefix}data/${key}`;
        if (!archive.entries.has(entry)) bad(`its bytes (${entry}) are missing from the archive (truncated?)`);
        const expected = (numel as number) * dtypeByteSize(dtype);
        const actual = archive.entry(entry).size;
        if (actual !== expected) bad(`${entry} holds ${actual} bytes, but ${numel} ${dtype} elements need ${expected}`);
        const storage = new TorchStorage(archive, entry, key as string, dtype, numel as number);
        storages.set(key as string, storage);
        return storage;
      },
    });
    return { path, object, archive, pickleBytes: pickle.length, close: () => archive.close() };
  } catch (error) {
    await archive.close();
    throw error;
  }
}

async function looksLikeLegacyTorch(path: string): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(2);
    await handle.read(head, 0, 2, 0);
    return head[0] === 0x80 && head[1] <= 5; // a pickle PROTO opcode: the legacy magic-number pickle
  } finally {
    await handle.close();
  }
}

/**
 * The state dict of a loaded torch file: its top-level dict as name -> tensor, in file order.
 * Throws `SourceCheckpointError` naming the file when the object is not a dict of tensors (a non-tensor
 * value is named, unless `skipNonTensors`).
 */
export function stateDictOf(file: TorchFile, options: { skipNonTensors?: boolean } = {}): Map<string, TorchTensor> {
  const opts = parseOptions(stateDictOptions, options, 'stateDictOf');
  const obj = file.object;
  if (!(obj instanceof PyDict)) {
    throw new SourceCheckpointError({
      message: `${file.path}: expected a state dict (a dict of tensors), found ${describe(obj)}`,
      file: file.path,
    });
  }
  const out = new Map<string, TorchTensor>();
  for (const [key, value] of obj.map) {
    if (typeof key !== 'string') {
      throw new SourceCheckpointError({ message: `${file.path}: state dict key ${describe(key)} is not a string`, file: file.path });
    }
    if (value instanceof TorchTensor) out.set(key, value);
    else if (!opts.skipNonTensors) {
      throw new SourceCheckpointError({
        message: `${file.path}: state dict entry ${showValue(key)} is ${describe(value)}, not a tensor`,
        file: file.path,
        tensor: key,
      });
    }
  }
  return out;
}
