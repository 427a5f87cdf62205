// Header validation per the safetensors spec and its reference reader (tensor.rs): every error
// names the file, and the tensor when one is at fault.

import { describe, expect, it } from 'vitest';
import { SafetensorsFormatError } from './errors';
import { parseSafetensorsHeader, readHeaderSize, SAFETENSORS_MAX_HEADER_SIZE } from './header-parse';
import { caught, rawSafetensors } from './__fixtures__/raw-safetensors';

const FILE = 'weights/model.safetensors';
const parse = (bytes: Uint8Array) => parseSafetensorsHeader(bytes, { file: FILE, fileSize: bytes.length });

async function formatError(bytes: Uint8Array) {
  const error = await caught(() => parse(bytes));
  expect(SafetensorsFormatError.isInstance(error)).toBe(true);
  expect(error.message).toContain(FILE);
  return error;
}

describe('parseSafetensorsHeader: valid headers', () => {
  it('reads dtypes, shapes, offsets and metadata, with tensors in data order', () => {
    const bytes = rawSafetensors(
      {
        b: { dtype: 'BF16', shape: [2, 2], data_offsets: [16, 24] },
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
      },
      24,
    );
    const header = parse(bytes);
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(header.tensors.map((t) => t.name)).toEqual(['a', 'b']);
    expect(header.tensors[1]).toEqual({
      name: 'b',
      dtype: 'BF16',
      shape: [2, 2],
      dataOffsets: [16, 24],
      byteLength: 8,
    });
    expect(header.dataStart).toBe(bytes.length - 24);
    expect(header.dataLength).toBe(24);
  });

  it('accepts a header padded with trailing spaces, scalars, and empty tensors', () => {
    const text = JSON.stringify({
      s: { dtype: 'I64', shape: [], data_offsets: [0, 8] },
      e: { dtype: 'F16', shape: [0, 5], data_offsets: [8, 8] },
    });
    const bytes = rawSafetensors(`${text}      `, 8);
    const header = parse(bytes);
    expect(header.headerSize).toBe(text.length + 6);
    expect(header.tensors.map((t) => [t.name, t.byteLength])).toEqual([
      ['s', 8],
      ['e', 0],
    ]);
  });

  it('accepts a file with no tensors and no metadata', () => {
    expect(parse(rawSafetensors('{}')).tensors).toEqual([]);
  });

  it('without fileSize, takes the data to end where the last tensor ends', () => {
    const bytes = rawSafetensors({ a: { dtype: 'U8', shape: [3], data_offsets: [0, 3] } });
    expect(parseSafetensorsHeader(bytes).dataLength).toBe(3);
  });
});

describe('parseSafetensorsHeader: every error names the file, and the tensor when one is at fault', () => {
  it('file shorter than the 8-byte size field', async () => {
    const error = await formatError(new Uint8Array(5));
    expect(error.message).toMatch(/5 bytes long/);
  });

  it('header size above the 100 MB limit (reference MAX_HEADER_SIZE)', async () => {
    const bytes = rawSafetensors('{}', 0, BigInt(SAFETENSORS_MAX_HEADER_SIZE + 1));
    const error = await formatError(bytes);
    expect(error.message).toMatch(/100000001 bytes, above the 100000000-byte limit/);
  });

  it('a u64 header size beyond 2^53 is refused, not misread', async () => {
    const error = await formatError(rawSafetensors('{}', 0, 0xffff_ffff_ffff_ffffn));
    expect(error.message).toMatch(/18446744073709551615 bytes, above/);
  });

  it('header size larger than the file (truncated in the header)', async () => {
    const full = rawSafetensors({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } }, 1);
    const error = await formatError(full.subarray(0, 20));
    expect(error.message).toMatch(/only 12 bytes follow it \(truncated file\?\)/);
  });

  it('header that is not JSON', async () => {
    const error = await formatError(rawSafetensors('{"a": {"dtype": "F32",'));
    expect(error.message).toMatch(/header is not valid JSON/);
  });

  it('header that is not a JSON object', async () => {
    expect((await formatError(rawSafetensors('[1, 2]'))).message).toMatch(/starting with "\{"/);
    expect((await formatError(rawSafetensors('  {}'))).message).toMatch(/starting with "\{"/);
  });

  it('header that is not UTF-8', async () => {
    const bytes = rawSafetensors('{"\u00e9":1}');
    bytes[10] = 0xff;
    expect((await formatError(bytes)).message).toMatch(/not valid UTF-8/);
  });

  it('non-string metadata', async () => {
    const error = await formatError(rawSafetensors({ __metadata__: { epochs: 3 } }));
    expect(error.message).toMatch(/"__metadata__" field "epochs" is 3; metadata values must be strings/);
  });

  it('unknown dtype, listing the allowed ones', async () => {
    const error = await formatError(rawSafetensors({ 'lm_head.weight': { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, 2));
    expect(error.tensor).toBe('lm_head.weight');
    expect(error.message).toContain('tensor "lm_head.weight": dtype "F8_E4M3" is not supported; allowed: BOOL, U8, I8');
  });

  it('bad shape and bad offsets', async () => {
    let error = await formatError(rawSafetensors({ w: { dtype: 'F32', shape: [2, -1], data_offsets: [0, 0] } }));
    expect(error.message).toMatch(/tensor "w": shape \[2,-1\] must be an array of non-negative integers/);
    error = await formatError(rawSafetensors({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, 4));
    expect(error.message).toMatch(/tensor "w": data_offsets \[4,0\] must be \[begin, end\]/);
  });

  it('dtype x shape not matching the byte length', async () => {
    const error = await formatError(rawSafetensors({ w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }, 20));
    expect(error.tensor).toBe('w');
    expect(error.message).toContain('tensor "w": data_offsets [0, 20] span 20 bytes but F32 [2,3] needs 24');
  });

  it('offsets out of bounds (file truncated in the data)', async () => {
    const full = rawSafetensors(
      { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } },
      24,
    );
    const error = await formatError(full.subarray(0, full.length - 5));
    expect(error.tensor).toBe('b');
    expect(error.message).toContain('tensor "b": data_offsets [8, 24] run past the end of the data (19 bytes after the header');
  });

  it('overlapping offsets, naming both tensors', async () => {
    const error = await formatError(
      rawSafetensors(
        {
          a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
          b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
        },
        16,
      ),
    );
    expect(error.tensor).toBe('b');
    expect(error.message).toContain('tensor "b": data_offsets [8, 16] overlap tensor "a" [0, 16]');
  });

  it('an empty tensor placed inside another one overlaps it', async () => {
    const error = await formatError(
      rawSafetensors(
        {
          a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
          e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
        },
        16,
      ),
    );
    expect(error.message).toContain('tensor "e": data_offsets [4, 4] overlap tensor "a" [0, 16]');
  });

  it('a gap between tensors', async () => {
    const error = await formatError(
      rawSafetensors(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
        },
        12,
      ),
    );
    expect(error.message).toContain('tensor "b": data_offsets [8, 12] leave a gap (tensor "a" ends at 4)');
  });

  it('data not starting at 0', async () => {
    const error = await formatError(rawSafetensors({ a: { dtype: 'U8', shape: [1], data_offsets: [1, 2] } }, 2));
    expect(error.message).toContain('tensor "a": data_offsets [1, 2] leave a gap (the data starts at 0)');
  });

  it('trailing bytes after the last tensor', async () => {
    const error = await formatError(rawSafetensors({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, 5));
    expect(error.message).toMatch(/cover 2 bytes but 5 bytes follow the header/);
  });
});

describe('readHeaderSize', () => {
  it('reads the little-endian u64', () => {
    expect(readHeaderSize(new Uint8Array([0x40, 0x01, 0, 0, 0, 0, 0, 0]))).toBe(0x140);
  });
});

describe('hostile names', () => {
  it('keeps "__proto__" as a plain tensor and metadata key', () => {
    const bytes = rawSafetensors('{"__metadata__":{"__proto__":"x"},"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', 1);
    const header = parseSafetensorsHeader(bytes, { fileSize: bytes.length });
    expect(Object.keys(header.metadata ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(header.metadata)).toBe(Object.prototype);
    expect(header.tensors.map((t) => t.name)).toEqual(['__proto__']);
  });
});
