// Every hf-io entry point that takes an options object refuses an unknown key (naming the nearest
// allowed one), a value of the wrong type and a missing required key, and still accepts good options.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atomicWriteFile,
  commitDir,
  FLOAT_DTYPE_SPELLINGS,
  floatDtypeOption,
  InvalidArgumentError,
  layoutSafetensors,
  normalizeFloatDtype,
  openHfCheckpoint,
  parseSafetensors,
  parseSafetensorsHeader,
  readHeaderSize,
  serializeSafetensors,
  stringifyJson,
  type TensorSource,
  withAtomicFile,
  withTempDir,
  writeHfFolder,
  writeJsonFile,
  writeSafetensors,
  writeSafetensorsShards,
} from './index';
import { describeOptionsContract, type OptionsEntry } from '../../../tooling/options-contract';

let dir = '';
let fileBytes: Uint8Array = new Uint8Array();
const tensors: TensorSource[] = [{ name: 'w', dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-io-options-'));
  fileBytes = await serializeSafetensors(tensors);
  await writeHfFolder(join(dir, 'model'), { tensors });
});
afterAll(() => rm(dir, { recursive: true, force: true }));
const fresh = async (prefix: string) => {
  const path = join(dir, `${prefix}-${Math.random()}`);
  await mkdir(path);
  return path;
};

const entries: OptionsEntry[] = [
  {
    name: 'atomicWriteFile',
    call: (o) => atomicWriteFile(join(dir, 'a.txt'), 'x', o),
    valid: { fsync: false },
    nearMiss: ['fsnyc', 'fsync'],
    wrongType: ['mode', '644'],
  },
  {
    name: 'withAtomicFile',
    call: (o) => withAtomicFile(join(dir, 'b.txt'), async () => 1, o),
    valid: { fsync: false },
    nearMiss: ['Fsync', 'fsync'],
    wrongType: ['fsync', 'no'],
  },
  {
    name: 'writeJsonFile',
    call: (o) => writeJsonFile(join(dir, 'c.json'), { a: 1 }, o),
    valid: { sortKeys: true, fsync: false },
    nearMiss: ['sort_keys', 'sortKeys'],
    wrongType: ['indent', '2'],
  },
  {
    name: 'stringifyJson',
    call: (o) => stringifyJson({ a: 1 }, o),
    valid: { indent: 4 },
    nearMiss: ['indnet', 'indent'],
    wrongType: ['sortKeys', 1],
  },
  {
    name: 'commitDir',
    call: (o) => fresh('temp').then((temp) => commitDir(temp, join(dir, `committed-${Math.random()}`), o)),
    valid: { force: false },
    nearMiss: ['forc', 'force'],
    wrongType: ['force', 'yes'],
  },
  {
    name: 'withTempDir',
    call: (o) => withTempDir(join(dir, 'd'), async () => 1, o),
    valid: { force: true },
    nearMiss: ['forced', 'force'],
    wrongType: ['force', 1],
  },
  {
    name: 'layoutSafetensors',
    call: (o) => layoutSafetensors(tensors, o),
    valid: { file: 'x.safetensors' },
    nearMiss: ['metdata', 'metadata'],
    wrongType: ['file', 3],
  },
  {
    name: 'serializeSafetensors',
    call: (o) => serializeSafetensors(tensors, o),
    valid: { metadata: null },
    nearMiss: ['files', 'file'],
    wrongType: ['metadata', 'pt'],
  },
  {
    name: 'readHeaderSize',
    call: (o) => readHeaderSize(fileBytes, o),
    valid: { file: 'x.safetensors' },
    nearMiss: ['filesize', 'fileSize'],
    wrongType: ['fileSize', '100'],
  },
  {
    name: 'parseSafetensorsHeader',
    call: (o) => parseSafetensorsHeader(fileBytes, o),
    valid: { file: 'x' },
    nearMiss: ['fiel', 'file'],
    wrongType: ['fileSize', true],
  },
  {
    name: 'parseSafetensors',
    call: (o) => parseSafetensors(fileBytes, o),
    valid: { file: 'x' },
    nearMiss: ['flie', 'file'],
    wrongType: ['file', 1],
  },
  {
    name: 'readTensor',
    call: (o) => parseSafetensors(fileBytes).readTensor('w', o),
    valid: { rows: [0, 1] },
    nearMiss: ['row', 'rows'],
    wrongType: ['rows', '0:1'],
  },
  {
    name: 'writeSafetensors',
    call: (o) => writeSafetensors(join(dir, 'e.safetensors'), tensors, o),
    valid: { fsync: false },
    nearMiss: ['meta_data', 'metadata'],
    wrongType: ['fsync', 0],
  },
  {
    name: 'writeSafetensorsShards',
    call: (o) => writeSafetensorsShards(join(dir, 'f'), tensors, o),
    valid: { maxShardSize: '1KB' },
    nearMiss: ['maxShardsize', 'maxShardSize'],
    wrongType: ['maxShardSize', [1]],
  },
  {
    name: 'openHfCheckpoint',
    call: (o) => openHfCheckpoint(join(dir, 'model'), o),
    valid: { weightsName: 'model.safetensors' },
    nearMiss: ['weightName', 'weightsName'],
    wrongType: ['weightsName', 1],
  },
  {
    name: 'writeHfFolder',
    call: (o) => writeHfFolder(join(dir, 'g'), { tensors, ...(o as object) }),
    valid: { force: true, config: { a: 1 } },
    nearMiss: ['tokenizerconfig', 'tokenizerConfig'],
    wrongType: ['tokenizerModel', 5],
  },
  {
    name: 'writeHfFolder',
    call: (o) => writeHfFolder(join(dir, `h-${Math.random()}`), o),
    valid: () => ({ tensors }),
    nearMiss: ['tensor', 'tensors'],
    wrongType: ['force', 'true'],
    required: 'tensors',
  },
];

describeOptionsContract(entries);

describe('float dtype names', () => {
  it('maps both spellings to the canonical name', () => {
    expect(Object.entries(FLOAT_DTYPE_SPELLINGS).map(([s]) => normalizeFloatDtype(s))).toEqual([
      'float32',
      'float32',
      'float16',
      'float16',
      'bfloat16',
      'bfloat16',
    ]);
    expect(floatDtypeOption(['float32', 'float16']).parse('f16')).toBe('float16');
  });

  it('refuses an unknown or unsupported spelling, listing the allowed ones', () => {
    expect(() => normalizeFloatDtype('fp8', 'exportGguf.dtype')).toThrow(
      'exportGguf.dtype = "fp8" is invalid; allowed: float32 (f32), float16 (f16), bfloat16 (bf16)',
    );
    expect(() => normalizeFloatDtype('bf16', 'dtype', ['float32', 'float16'])).toThrow('allowed: float32 (f32), float16 (f16)');
    expect(
      InvalidArgumentError.isInstance(
        (() => {
          try {
            normalizeFloatDtype(3);
          } catch (e) {
            return e;
          }
        })(),
      ),
    ).toBe(true);
    expect(floatDtypeOption(['float32']).safeParse('f16').error?.issues[0].message).toBe(
      'expected a dtype, one of float32 (f32) (got "f16")',
    );
  });
});
