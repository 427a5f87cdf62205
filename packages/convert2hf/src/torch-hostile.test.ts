// Hostile torch.save files and InternEvo folders, each the minimal input that showed a defect
// (issue 18), built in the test: refused with a tinylm error naming the file, never a RangeError
// or an allocation the file merely claims.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceCheckpointError, ZipFormatError } from './errors';
import { readInternEvoCheckpoint } from './internevo-checkpoint';
import { readInternEvoModelConfig } from './internevo-config';
import { loadTorchFile, stateDictOf } from './torch-checkpoint';
import { openZip } from './zip-reader';
import { billionLaughs, op, tensorStateDict } from './__fixtures__/pickle-bytes';
import { torchZip, zipBytes } from './__fixtures__/zip-bytes';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convert2hf-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

const float = (x: number) => new Uint8Array(Float32Array.of(x).buffer);

describe('stride-0 (expand) tensors', () => {
  it('refuses a 2^28-element view of a 1-element storage before allocating, naming the option', async () => {
    const path = await file('expand.pt', torchZip(tensorStateDict('w', 1, [op.int4(2 ** 28)], [op.int1(0)]), { '0': float(1.5) }));
    const error = await loadTorchFile(path).catch((e: unknown) => e);
    expect(SourceCheckpointError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /expand\.pt.*size \[268435456\] stride \[0\] has 268435456 elements but its storage "0" holds 1/,
    );
    expect((error as Error).message).toContain('maxTensorExpansion');
  });

  it('refuses a 2^40-element claim (once an Invalid typed array length)', async () => {
    const huge = op.long(Uint8Array.of(0, 0, 0, 0, 0, 1)); // 2^40
    const path = await file('expand-huge.pt', torchZip(tensorStateDict('w', 1, [huge], [op.int1(0)]), { '0': float(1.5) }));
    await expect(loadTorchFile(path)).rejects.toThrow(/1099511627776 elements but its storage "0" holds 1/);
  });

  it('reads a broadcast view within the limit, and a wider one when the caller raises it', async () => {
    const path = await file('expand-ok.pt', torchZip(tensorStateDict('w', 1, [op.int4(100_000)], [op.int1(0)]), { '0': float(1.5) }));
    await expect(loadTorchFile(path)).rejects.toThrow(/at most 65536 are read/);
    const t = await loadTorchFile(path, { maxTensorExpansion: 100_000 });
    try {
      const values = await stateDictOf(t).get('w')!.readFloat32();
      expect(values.length).toBe(100_000);
      expect(values.every((v) => v === 1.5)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('refuses more than 64 dimensions (a memoised empty many-dimensional size would make every rebuild costly)', async () => {
    const zeros = Array.from({ length: 100 }, () => op.int1(0));
    const path = await file('rank.pt', torchZip(tensorStateDict('w', 1, zeros, zeros), { '0': float(1.5) }));
    await expect(loadTorchFile(path)).rejects.toThrow(/rank\.pt.*size has 100 dimensions; at most 64 are supported/);
  });

  it('checks offset, size and stride against the storage', async () => {
    const path = await file(
      'past-end.pt',
      torchZip(tensorStateDict('w', 4, [op.int1(2), op.int1(2)], [op.int1(2), op.int1(1)], 1), { '0': new Uint8Array(16) }),
    );
    await expect(loadTorchFile(path)).rejects.toThrow(/reaches element 4 of storage 0, which has 4/);
  });
});

describe('zip archives', () => {
  it('refuses a ZIP64 extra field that claims bytes past the end of the central directory', async () => {
    const extra = Uint8Array.of(0x01, 0x00, 0x10, 0x00); // id 0x0001, 16 bytes, none there
    const path = await file('zip64-cut.pt', zipBytes([{ name: 'archive/data.pkl', data: op.PROTO2, extra, zip64Sizes: true }]));
    const error = await openZip(path).catch((e: unknown) => e);
    expect(ZipFormatError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/zip64-cut\.pt: entry "archive\/data\.pkl": extra field 0x0001 claims 16 bytes past the end/);
    expect((error as ZipFormatError).field).toBe('archive/data.pkl');
  });

  it('refuses a ZIP64 extra field too short for the sizes it stands for', async () => {
    const extra = Uint8Array.of(0x01, 0x00, 0x08, 0x00, 1, 0, 0, 0, 0, 0, 0, 0); // the size, not the compressed size
    const path = await file('zip64-short.pt', zipBytes([{ name: 'archive/data.pkl', data: op.PROTO2, extra, zip64Sizes: true }]));
    await expect(openZip(path)).rejects.toThrow(/entry "archive\/data\.pkl": the ZIP64 extra field has no 64-bit compressed size/);
  });

  it('names a file it cannot open', async () => {
    const error = await openZip(join(dir, 'x'.repeat(5000))).catch((e: unknown) => e);
    expect(SourceCheckpointError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/cannot open \(ENAMETOOLONG/);
  });
});

describe('InternEvo folders', () => {
  it('refuses a billion-laughs model_config.pt with an error naming it', async () => {
    const folder = join(dir, 'laughs');
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder);
    const config = await file('laughs/model_config.pt', torchZip(billionLaughs(40)));
    await writeFile(join(folder, 'model_tp0_pp0.pt'), new Uint8Array(0));
    const error = await readInternEvoCheckpoint(folder).catch((e: unknown) => e);
    expect(SourceCheckpointError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toContain(`${config}: the pickled value unfolds to more than`);
    await expect(readInternEvoModelConfig(config)).rejects.toThrow(/unfolds to more than \d+ nodes/);
  });

  it('derives the shard grid from the files present: model_tp40000_pp40000.pt alone names the missing shards at once', async () => {
    const folder = join(dir, 'grid');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'model_tp40000_pp40000.pt'), new Uint8Array(0));
    const error = await readInternEvoCheckpoint(folder).catch((e: unknown) => e);
    expect(SourceCheckpointError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /missing shards model_tp0_pp0\.pt, model_tp1_pp0\.pt, .*model_tp7_pp0\.pt, \.\.\. \(1600080000 of 1600080001: the files present, model_tp40000_pp40000\.pt, span tp 0\.\.40000 x pp 0\.\.40000\)/,
    );
  });

  it('refuses two names for one shard', async () => {
    const folder = join(dir, 'twice');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'model_tp0_pp0.pt'), new Uint8Array(0));
    await writeFile(join(folder, 'model_tp00_pp0.pt'), new Uint8Array(0));
    await expect(readInternEvoCheckpoint(folder)).rejects.toThrow(
      /model_tp00_pp0\.pt and model_tp0_pp0\.pt are the same shard \(tp 0, pp 0\)/,
    );
  });
});
