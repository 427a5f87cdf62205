// Reading files written by real torch.save (src/__fixtures__/make-fixtures.py, PyTorch 1.13):
// values, dtypes, strided views and shared storages exactly; refusals and corruption as errors.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceCheckpointError, PickleFormatError, UnsafePickleError, ZipFormatError } from './errors';
import { INTERNEVO_CONFIG_GLOBALS } from './internevo-config';
import { PyDict } from './pickle';
import { loadTorchFile, stateDictOf, toPlain, type TorchTensor } from './torch-checkpoint';
import { FIXTURES } from './__fixtures__/paths';

const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convert2hf-torch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadTorchFile', () => {
  for (const file of ['state-dict.pt', 'state-dict-p4.pt']) {
    it(`reads every tensor of ${file} exactly (dtypes, views, shared storage, scalars, empty)`, async () => {
      const t = await loadTorchFile(join(FIXTURES, file));
      try {
        const sd = stateDictOf(t);
        expect([...sd.keys()]).toEqual(Object.keys(expected.state_dict));
        for (const [name, want] of Object.entries(expected.state_dict) as [string, { shape: number[]; values: number[] }][]) {
          const tensor = sd.get(name) as TorchTensor;
          expect(tensor.shape, name).toEqual(want.shape);
          const got =
            name === 'i64'
              ? [...new BigInt64Array((await tensor.readBytes()).slice().buffer)].map(Number)
              : [...(await tensor.readFloat32())];
          expect(got, name).toEqual(want.values.map((v) => (name === 'i64' ? v : Math.fround(v))));
        }
        const transposed = sd.get('transposed') as TorchTensor;
        expect(transposed.contiguous).toBe(false);
        expect(transposed.storage).toBe((sd.get('base') as TorchTensor).storage);
        expect((sd.get('row') as TorchTensor).offset).toBe(4);
        expect(sd.get('bf16')?.dtype).toBe('BF16');
        expect(sd.get('f16')?.dtype).toBe('F16');
      } finally {
        await t.close();
      }
    });
  }

  it("reads InternEvo's model_config.pt (a Config dict subclass holding torch.bfloat16)", async () => {
    const t = await loadTorchFile(join(FIXTURES, 'model-config.pt'), { extraGlobals: INTERNEVO_CONFIG_GLOBALS });
    try {
      expect(t.object).toBeInstanceOf(PyDict);
      expect(toPlain(t.object)).toEqual(expected.model_config);
    } finally {
      await t.close();
    }
    // without the InternEvo allow-list entry the Config class is refused by name
    await expect(loadTorchFile(join(FIXTURES, 'model-config.pt'))).rejects.toThrow(/internlm\.core\.context\.parallel_context\.Config/);
  });

  for (const [file, global] of [
    ['evil.pt', 'posix.system'],
    ['evil-eval.pt', 'builtins.eval'],
  ]) {
    it(`refuses ${file}, naming ${global}, and runs nothing`, async () => {
      const error = await loadTorchFile(join(FIXTURES, file)).catch((e: unknown) => e);
      expect(UnsafePickleError.isInstance(error)).toBe(true);
      expect((error as UnsafePickleError).global).toBe(global);
      expect((error as Error).message).toContain(global);
      expect(existsSync('/tmp/tinylm-pwned')).toBe(false);
    });
  }

  it('refuses the legacy pre-1.6 format with a clear message', async () => {
    const error = await loadTorchFile(join(FIXTURES, 'legacy.pt')).catch((e: unknown) => e);
    expect(SourceCheckpointError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/legacy \(pre-1\.6, non-zip\)/);
  });

  it('reports a truncated archive as ZipFormatError naming the file', async () => {
    const bytes = await readFile(join(FIXTURES, 'state-dict.pt'));
    for (const keep of [bytes.length - 30, Math.floor(bytes.length / 2), 10]) {
      const path = join(dir, `truncated-${keep}.pt`);
      await writeFile(path, bytes.subarray(0, keep));
      const error = await loadTorchFile(path).catch((e: unknown) => e);
      expect(ZipFormatError.isInstance(error), String(error)).toBe(true);
      expect((error as Error).message).toContain(path);
    }
  });

  it('detects corrupted bytes by CRC-32: in the pickle, and in tensor data when it is read', async () => {
    const bytes = new Uint8Array(await readFile(join(FIXTURES, 'state-dict.pt')));
    const pklAt = Buffer.from(bytes).indexOf('_rebuild_tensor_v2');
    const badPickle = bytes.slice();
    badPickle[pklAt] ^= 0x20;
    await writeFile(join(dir, 'bad-pickle.pt'), badPickle);
    await expect(loadTorchFile(join(dir, 'bad-pickle.pt'))).rejects.toThrow(/CRC-32 mismatch.*data\.pkl|data\.pkl.*CRC-32 mismatch/);

    // flip one byte of the first tensor storage (data/0): opening works, reading that tensor fails
    const t0 = await loadTorchFile(join(FIXTURES, 'state-dict.pt'));
    const storage = (stateDictOf(t0).get('f32') as TorchTensor).storage;
    const entry = t0.archive.entry(storage.entry);
    await t0.close();
    const badData = bytes.slice();
    const local = entry.localHeaderOffset;
    const dataStart = local + 30 + (badData[local + 26] | (badData[local + 27] << 8)) + (badData[local + 28] | (badData[local + 29] << 8));
    badData[dataStart + 1] ^= 0xff;
    await writeFile(join(dir, 'bad-data.pt'), badData);
    const t = await loadTorchFile(join(dir, 'bad-data.pt'));
    try {
      const error = await (stateDictOf(t).get('f32') as TorchTensor).readFloat32().catch((e: unknown) => e);
      expect(ZipFormatError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/CRC-32 mismatch/);
    } finally {
      await t.close();
    }
  });

  it('reports a pickle cut short inside a valid archive as PickleFormatError', async () => {
    const error = await loadTorchFile(join(FIXTURES, 'cut-pickle.pt')).catch((e: unknown) => e);
    expect(PickleFormatError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/cut-pickle\.pt.*truncated|cut-pickle\.pt.*stack/);
  });
});
