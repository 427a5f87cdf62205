// Laying out a safetensors file: tensor order, data offsets, and the header bytes.
// Follows the safetensors format (https://github.com/huggingface/safetensors#format) and its
// reference writer (safetensors/src/tensor.rs, `prepare`): compact JSON with `__metadata__`
// first, the header padded with spaces to a multiple of 8 bytes, and tensors ordered by
// descending element size so that every tensor's data is aligned to its element size.

import { DTYPES, type Dtype, dtypeByteSize, isDtype } from './dtype';
import { SafetensorsWriteError } from './errors';
import { SAFETENSORS_MAX_HEADER_SIZE, type TensorInfo } from './header-parse';
import { parseOptions } from '@tinylm/errors';
import { layoutOptions } from './options';
import { showValue } from '@tinylm/errors';

/** What the layout needs to know about a tensor: everything but its data. */
export interface TensorSpec {
  name: string;
  dtype: Dtype;
  shape: readonly number[];
}

/** Options for laying out a safetensors file. */
export interface LayoutOptions {
  /**
   * The `__metadata__` strings. Defaults to `{ format: 'pt' }`, as Hugging Face writes; pass
   * `null` to write no `__metadata__` at all.
   */
  metadata?: Readonly<Record<string, string>> | null;
  /** The file's name for error messages; defaults to `<buffer>`. */
  file?: string;
}

/** Where everything goes in a safetensors file. */
export interface SafetensorsLayout {
  /** The 8-byte header size followed by the padded JSON header: the first bytes of the file. */
  readonly header: Uint8Array;
  /** The tensors in file order, with their offsets in the byte buffer. */
  readonly tensors: readonly TensorInfo[];
  /** Size of the byte buffer. */
  readonly dataLength: number;
  /** Size of the whole file: `header.length + dataLength`. */
  readonly fileSize: number;
}

/** The `__metadata__` written when none is given, as `transformers` does. */
export const DEFAULT_SAFETENSORS_METADATA: Readonly<Record<string, string>> = Object.freeze({ format: 'pt' });

function fail(file: string, message: string, tensor?: string): never {
  const where = tensor === undefined ? file : `${file}: tensor ${showValue(tensor)}`;
  throw new SafetensorsWriteError({ message: `${where}: ${message}`, file, tensor });
}

function checkSpec(file: string, spec: TensorSpec, seen: Set<string>): number {
  const { name, dtype, shape } = spec;
  if (typeof name !== 'string') fail(file, `tensor name ${showValue(name)} must be a string`);
  if (name === '__metadata__') fail(file, '"__metadata__" is reserved by the format and cannot name a tensor', name);
  if (seen.has(name)) fail(file, 'appears twice; tensor names must be unique', name);
  seen.add(name);
  if (!isDtype(dtype)) fail(file, `dtype ${showValue(dtype)} is not supported; allowed: ${DTYPES.join(', ')}`, name);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(file, `shape ${showValue(shape)} must be an array of non-negative integers`, name);
  }
  let bytes = dtypeByteSize(dtype);
  for (const d of shape) bytes *= d;
  if (!Number.isSafeInteger(bytes)) fail(file, `shape ${showValue(shape)} is too large`, name);
  return bytes;
}

/**
 * Orders the tensors, assigns their data offsets and builds the header bytes. Tensors keep the
 * given order within each element size; larger element sizes come first (so F32 data sits on
 * 4-byte boundaries even after a BF16 tensor). Throws `SafetensorsWriteError` on a duplicate or
 * reserved name, an unknown dtype, a bad shape, or non-string metadata.
 */
export function layoutSafetensors(specs: readonly TensorSpec[], options: LayoutOptions = {}): SafetensorsLayout {
  options = parseOptions(layoutOptions, options, 'layoutSafetensors');
  const file = options.file ?? '<buffer>';
  const metadata = options.metadata === undefined ? DEFAULT_SAFETENSORS_METADATA : options.metadata;
  const seen = new Set<string>();
  const sized = specs.map((spec, index) => ({ spec, index, bytes: checkSpec(file, spec, seen) }));
  sized.sort((a, b) => dtypeByteSize(b.spec.dtype) - dtypeByteSize(a.spec.dtype) || a.index - b.index);

  const parts: string[] = [];
  if (metadata !== null) {
    const entries = Object.entries(metadata).map(([key, value]) => {
      if (typeof value !== 'string') {
        throw new SafetensorsWriteError({
          message: `${file}: metadata field ${showValue(key)} is ${showValue(value)}; metadata values must be strings`,
          file,
          field: key,
        });
      }
      return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    });
    parts.push(`"__metadata__":{${entries.join(',')}}`);
  }
  const tensors: TensorInfo[] = [];
  let offset = 0;
  for (const { spec, bytes } of sized) {
    const info: TensorInfo = {
      name: spec.name,
      dtype: spec.dtype,
      shape: [...spec.shape],
      dataOffsets: [offset, offset + bytes],
      byteLength: bytes,
    };
    tensors.push(info);
    parts.push(
      `${JSON.stringify(spec.name)}:{"dtype":"${spec.dtype}","shape":[${spec.shape.join(',')}],` +
        `"data_offsets":[${offset},${offset + bytes}]}`,
    );
    offset += bytes;
  }

  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded > SAFETENSORS_MAX_HEADER_SIZE) {
    fail(file, `header would be ${padded} bytes, above the ${SAFETENSORS_MAX_HEADER_SIZE}-byte limit readers accept`);
  }
  const header = new Uint8Array(8 + padded);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  header.fill(0x20, 8 + json.length);
  return { header, tensors, dataLength: offset, fileSize: header.length + offset };
}
