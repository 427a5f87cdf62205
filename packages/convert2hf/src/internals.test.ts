// The `./internals` entry holds the building blocks; the root keeps them only as deprecated
// aliases of the very same objects (so an instanceof across the two entries still holds).

import { describe, expect, it } from 'vitest';
import * as root from './index';
import * as internals from './internals';

describe('@tinylm/convert2hf/internals', () => {
  it('exports the unpickler, torch and zip readers (aliased unchanged at the root until 0.3) and the writers (internals only)', () => {
    const writers = ['PyFloat', 'PyGlobalRef', 'PyPersistentId', 'PyReduce', 'ZipFileWriter', 'encodeZip', 'pickleValue'];
    const names = Object.keys(internals)
      .filter((n) => !writers.includes(n))
      .sort();
    expect(
      Object.keys(internals)
        .filter((n) => writers.includes(n))
        .sort(),
    ).toEqual([...writers].sort());
    expect(names).toEqual([
      'PyDict',
      'PyGlobal',
      'PySet',
      'PyTuple',
      'TORCH_GLOBALS',
      'TORCH_STORAGE_DTYPES',
      'TorchStorage',
      'TorchTensor',
      'ZipArchive',
      'crc32',
      'loadTorchFile',
      'openZip',
      'stateDictOf',
      'toPlain',
      'unpickle',
    ]);
    for (const name of names) expect((root as Record<string, unknown>)[name], name).toBe((internals as Record<string, unknown>)[name]);
    expect(internals.crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
