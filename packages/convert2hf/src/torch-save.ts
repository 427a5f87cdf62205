// Writing a state dict (name -> tensor) in PyTorch's own checkpoint format, the layout torch.save
// writes (torch/serialization.py `_save`, checked byte for byte against torch 1.13 in
// torch-save.test.ts): a zip archive (zip-writer.ts) whose folder `<archive>/` holds `data.pkl`,
// a protocol-2 pickle (pickle-writer.ts) of an OrderedDict in which each tensor is
// `torch._utils._rebuild_tensor_v2(persistent_load(('storage', torch.<Dtype>Storage, key, 'cpu',
// numel)), 0, size, stride, False, OrderedDict())`, then `byteorder` (what torch >= 2.1 adds),
// one record `data/<key>` of raw little-endian elements per storage, and `version` ("3\n").
// Each tensor has its own storage, keyed "0", "1", ... in the order given. torch.save writes the
// storage records sorted by key as strings ("0", "1", "10", "11", ..., "2"); these are written in
// key order instead, so that tensors given as functions are produced in the order given. Readers
// look records up by name, so the order does not matter to torch.load.
// Only tensor metadata is held for the whole dict; each tensor's bytes are asked for when its
// record is written and dropped after, so a caller can stream a model one tensor at a time.

import { basename } from 'node:path';
import { isTinylmError, parseOptions, showValue } from '@tinylm/errors';
import { type Dtype, dtypeByteSize, withAtomicFile } from '@tinylm/hf-io';
import { z } from 'zod';
import { CheckpointWriteError } from './errors';
import { PyDict, PyTuple } from './pickle';
import { isWellFormedText, PyGlobalRef, PyPersistentId, PyReduce, pickleValue } from './pickle-writer';
import { TORCH_STORAGE_DTYPES } from './torch-checkpoint';
import { encodeZip, ZipFileWriter, type ZipWriterOptions } from './zip-writer';

/** The tensor dtypes `writeTorchStateDict` writes, by their torch names. */
export type TorchSaveDtype = 'float32' | 'bfloat16' | 'float16';

/** `torch.<name>` -> the safetensors-style dtype hf-io sizes and decodes. */
const DTYPES: Readonly<Record<TorchSaveDtype, Dtype>> = Object.freeze({ float32: 'F32', bfloat16: 'BF16', float16: 'F16' });

/** The dtypes `writeTorchStateDict` accepts. */
export const TORCH_SAVE_DTYPES: readonly TorchSaveDtype[] = Object.freeze(Object.keys(DTYPES) as TorchSaveDtype[]);

/** One tensor to save. */
export interface TorchTensorToSave {
  readonly dtype: TorchSaveDtype;
  /** Sizes, outermost first (`[]` for a scalar). */
  readonly shape: readonly number[];
  /**
   * The elements as little-endian bytes, row-major (contiguous), exactly dtype size x elements
   * long; or a function giving them, called once, when this tensor's record is written.
   */
  readonly data: Uint8Array | (() => Uint8Array | Promise<Uint8Array>);
}

/** Options for `writeTorchStateDict` and `encodeTorchStateDict`. */
export interface WriteTorchStateDictOptions {
  /**
   * The archive's folder name (every entry is `<archiveName>/...`). Default: for a file, its base
   * name without the extension, as torch.save names it (`model_tp0_pp0.pt` -> `model_tp0_pp0`);
   * in memory, `archive` (torch's name for a file object).
   */
  archiveName?: string;
  /** Write the `byteorder` record ("little") that torch >= 2.1 writes. Default true; false writes what torch 1.13 writes. */
  byteorder?: boolean;
}

const writeTorchStateDictOptions = z.strictObject({ archiveName: z.string().optional(), byteorder: z.boolean().optional() });

/** Most dimensions a tensor may have (as the reader allows). */
const MAX_RANK = 64;

interface PlannedTensor {
  readonly name: string;
  readonly dtype: TorchSaveDtype;
  readonly shape: readonly number[];
  readonly byteLength: number;
  readonly data: TorchTensorToSave['data'];
}

/** The storage class torch.save names for a dtype (`torch.FloatStorage`, ...), from the reader's table. */
function storageClass(dtype: TorchSaveDtype): string {
  const want = DTYPES[dtype];
  const found = Object.keys(TORCH_STORAGE_DTYPES).find((name) => TORCH_STORAGE_DTYPES[name] === want);
  if (!found) throw new Error(`no storage class for ${dtype}`); // unreachable: the table covers every dtype above
  return found;
}

type Fail = (message: string, tensor?: string, cause?: unknown) => never;

function failFor(where: string, file?: string): Fail {
  return (message, tensor, cause) => {
    throw new CheckpointWriteError({
      message: `${where}: ${tensor === undefined ? '' : `tensor ${showValue(tensor)}: `}${message}`,
      file,
      tensor: tensor?.slice(0, 200),
      cause,
    });
  };
}

/** Reads and checks every entry's metadata (not its data); throws `CheckpointWriteError` naming the tensor. */
function planTensors(entries: Iterable<readonly [string, TorchTensorToSave]>, fail: Fail): PlannedTensor[] {
  if (entries == null || typeof (entries as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    fail(`entries must be an iterable of [name, tensor] pairs (a Map, an array), found ${showValue(entries)}`);
  }
  const out: PlannedTensor[] = [];
  const names = new Set<string>();
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2) fail(`entry ${out.length} must be a [name, tensor] pair, found ${showValue(entry)}`);
    const [name, tensor] = entry as [unknown, TorchTensorToSave];
    if (typeof name !== 'string') fail(`entry ${out.length}: the name must be a string, found ${showValue(name)}`);
    if (names.has(name)) fail('appears twice; names must be unique', name);
    if (!isWellFormedText(name)) fail('the name holds a lone UTF-16 surrogate, which UTF-8 (and so Python) cannot encode', name);
    names.add(name);
    if (tensor == null || typeof tensor !== 'object') fail(`must be { dtype, shape, data }, found ${showValue(tensor)}`, name);
    const { dtype, shape, data } = tensor;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype)) {
      fail(`dtype = ${showValue(dtype)} is not written; allowed: ${TORCH_SAVE_DTYPES.join(', ')}`, name);
    }
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
      fail(`shape = ${showValue(shape)} must be an array of at most ${MAX_RANK} integers >= 0`, name);
    }
    const numel = shape.reduce((a, b) => a * b, 1);
    const byteLength = numel * dtypeByteSize(DTYPES[dtype]);
    if (!Number.isSafeInteger(byteLength)) fail(`shape ${showValue(shape)} holds more bytes than can be addressed`, name);
    if (data instanceof Uint8Array) {
      if (data.length !== byteLength) {
        fail(`data holds ${data.length} bytes but ${dtype} [${shape.join(', ')}] needs ${byteLength}`, name);
      }
    } else if (typeof data !== 'function') {
      fail(`data must be a Uint8Array or a function returning one, found ${showValue(data)}`, name);
    }
    out.push({ name, dtype, shape: [...shape], byteLength, data });
  }
  return out;
}

/** Row-major (contiguous) strides as torch computes them: a size-0 dimension counts as 1 (`[3, 0]` -> `[1, 1]`). */
function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= Math.max(shape[d], 1);
  }
  return strides;
}

const REBUILD_TENSOR_V2 = new PyGlobalRef('torch._utils', '_rebuild_tensor_v2');

/** The pickled state dict: an OrderedDict of `_rebuild_tensor_v2` calls, storage i keyed "i". */
function statePickle(tensors: readonly PlannedTensor[]): Uint8Array {
  const dict = new PyDict('collections.OrderedDict');
  tensors.forEach((t, i) => {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    const storage = new PyPersistentId(new PyTuple(['storage', new PyGlobalRef('torch', storageClass(t.dtype)), String(i), 'cpu', numel]));
    const args = new PyTuple([
      storage,
      0,
      new PyTuple(t.shape),
      new PyTuple(contiguousStrides(t.shape)),
      false,
      new PyDict('collections.OrderedDict'),
    ]);
    dict.map.set(t.name, new PyReduce(REBUILD_TENSOR_V2, args));
  });
  return pickleValue(dict);
}

/** An archive folder name: one non-empty path segment. */
function checkArchiveName(name: string, fail: Fail): string {
  if (name.length === 0 || name.length > 255 || /[/\\\0]/.test(name) || name === '.' || name === '..' || !isWellFormedText(name)) {
    fail(
      `archiveName = ${showValue(name)} is invalid; allowed: one path segment of 1 to 255 characters without "/", "\\" or NUL (pass options.archiveName for a file name without a stem)`,
    );
  }
  return name;
}

/** torch's default archive name for a file: its base name up to the last ".". */
function defaultArchiveName(path: string): string {
  const base = basename(path);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? base : base.slice(0, dot);
}

/** The records before the storages (data.pkl, byteorder) and the one after (version). */
function headRecords(prefix: string, pickle: Uint8Array, byteorder: boolean): [string, Uint8Array][] {
  const head: [string, Uint8Array][] = [[`${prefix}/data.pkl`, pickle]];
  if (byteorder) head.push([`${prefix}/byteorder`, new TextEncoder().encode('little')]);
  return head;
}
const versionRecord = (prefix: string): [string, Uint8Array] => [`${prefix}/version`, new TextEncoder().encode('3\n')];

function checkData(t: PlannedTensor, bytes: unknown, fail: Fail): Uint8Array {
  if (!(bytes instanceof Uint8Array)) fail(`its data function returned ${showValue(bytes)}, not a Uint8Array`, t.name);
  if (bytes.length !== t.byteLength) {
    fail(`its data function returned ${bytes.length} bytes but ${t.dtype} [${t.shape.join(', ')}] needs ${t.byteLength}`, t.name);
  }
  return bytes;
}

/**
 * `writeTorchStateDict` with the zip writer's options (ZIP64 thresholds), for tests of the ZIP64
 * layout on small files. Not part of the package's API.
 */
export async function writeTorchStateDictWith(
  path: string,
  entries: Iterable<readonly [string, TorchTensorToSave]>,
  options: WriteTorchStateDictOptions,
  zipOptions: ZipWriterOptions,
): Promise<void> {
  const where = `writeTorchStateDict: ${typeof path === 'string' ? path : showValue(path)}`;
  const fail = failFor(where, typeof path === 'string' ? path : undefined);
  if (typeof path !== 'string' || path.length === 0) fail(`path must be a non-empty string, found ${showValue(path)}`);
  const opts = parseOptions(writeTorchStateDictOptions, options, 'writeTorchStateDict');
  const prefix = checkArchiveName(opts.archiveName ?? defaultArchiveName(path), fail);
  const tensors = planTensors(entries, fail);
  const pickle = statePickle(tensors);
  try {
    await withAtomicFile(path, async (handle) => {
      const zip = new ZipFileWriter(handle, zipOptions);
      for (const [name, bytes] of headRecords(prefix, pickle, opts.byteorder ?? true)) await zip.add(name, bytes);
      for (let i = 0; i < tensors.length; i++) {
        const t = tensors[i];
        let bytes: unknown = t.data;
        if (typeof t.data === 'function') {
          try {
            bytes = await t.data();
          } catch (error) {
            if (isTinylmError(error)) throw error;
            fail(`its data function failed: ${(error as Error)?.message ?? showValue(error)}`, t.name, error);
          }
        }
        await zip.add(`${prefix}/data/${i}`, checkData(t, bytes, fail));
      }
      await zip.add(...versionRecord(prefix));
      await zip.finish();
    });
  } catch (error) {
    if (isTinylmError(error)) throw error;
    // the file system's errors (ENOENT, EACCES, ENOSPC, ENAMETOOLONG): name the file, keep the cause
    fail(`cannot write the file (${(error as Error)?.message ?? showValue(error)}); nothing was written`, undefined, error);
  }
}

/**
 * Writes `entries` (name -> tensor, in order) to `path` as torch.save writes a state dict, so
 * `torch.load(path, weights_only=True)` gives an OrderedDict of those tensors. Written to a
 * temporary file in the same folder and renamed over `path` at the end (an existing file is
 * replaced); on any error nothing is left. Tensor metadata is read and checked first, then each
 * tensor's data is asked for (functions called) in order, one at a time. Throws
 * `CheckpointWriteError` naming the tensor for a duplicate name, an unknown dtype, a bad shape,
 * data of the wrong length or a failing data function, and naming the file when it cannot be
 * written.
 */
export function writeTorchStateDict(
  path: string,
  entries: Iterable<readonly [string, TorchTensorToSave]>,
  options: WriteTorchStateDictOptions = {},
): Promise<void> {
  return writeTorchStateDictWith(path, entries, options, {});
}

/**
 * The bytes of a torch.save file holding `entries`, in memory (for small dicts and tests):
 * the same layout as `writeTorchStateDict`, archive name `archive` unless given. Data functions
 * must return bytes synchronously. Throws `CheckpointWriteError` as `writeTorchStateDict` does.
 */
export function encodeTorchStateDict(
  entries: Iterable<readonly [string, TorchTensorToSave]>,
  options: WriteTorchStateDictOptions = {},
): Uint8Array {
  const fail = failFor('encodeTorchStateDict');
  const opts = parseOptions(writeTorchStateDictOptions, options, 'encodeTorchStateDict');
  const prefix = checkArchiveName(opts.archiveName ?? 'archive', fail);
  const tensors = planTensors(entries, fail);
  const records = headRecords(prefix, statePickle(tensors), opts.byteorder ?? true);
  tensors.forEach((t, i) => {
    let bytes: unknown = t.data;
    if (typeof t.data === 'function') {
      try {
        bytes = t.data();
      } catch (error) {
        if (isTinylmError(error)) throw error;
        fail(`its data function failed: ${(error as Error)?.message ?? showValue(error)}`, t.name, error);
      }
      if (bytes instanceof Promise) {
        bytes.catch(() => undefined);
        fail('its data function returned a promise; encodeTorchStateDict needs bytes now (use writeTorchStateDict to stream)', t.name);
      }
    }
    records.push([`${prefix}/data/${i}`, checkData(t, bytes, fail)]);
  });
  records.push(versionRecord(prefix));
  return encodeZip(records);
}
