// The zip reader on archives written by torch.save and by Python's zipfile (stored and deflated),
// and on damaged files.
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython } from '../../../tooling/python';
import { gate } from '../../../tooling/test-env';
import { ZipFormatError } from './errors';
import { loadTorchFile, stateDictOf } from './torch-checkpoint';
import { crc32, openZip } from './zip-reader';
import { FIXTURES } from './__fixtures__/paths';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convert2hf-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openZip', () => {
  it("lists torch.save's entries with sizes and reads byte ranges of stored entries", async () => {
    const zip = await openZip(join(FIXTURES, 'state-dict.pt'));
    try {
      const names = [...zip.entries.keys()];
      expect(names).toContain('state-dict/data.pkl');
      expect(names).toContain('state-dict/version');
      expect(new TextDecoder().decode(await zip.read('state-dict/version')).trim()).toMatch(/^\d+$/);
      const data0 = zip.entry('state-dict/data/0');
      expect(data0.method).toBe(0);
      const whole = await zip.read('state-dict/data/0');
      expect(whole.length).toBe(data0.size);
      expect([...(await zip.readRange('state-dict/data/0', 4, 8))]).toEqual([...whole.subarray(4, 12)]);
      expect(() => zip.entry('nope')).toThrow(/no entry "nope"/);
    } finally {
      await zip.close();
    }
  });

  it('inflates deflated entries: a re-zipped checkpoint reads the same tensors', async () => {
    const a = await loadTorchFile(join(FIXTURES, 'state-dict.pt'));
    const b = await loadTorchFile(join(FIXTURES, 'deflated.pt'));
    try {
      expect(b.archive.entry('deflated/data.pkl').method).toBe(8);
      const sa = stateDictOf(a);
      const sb = stateDictOf(b);
      for (const [name, t] of sa) expect([...(await (sb.get(name) ?? t).readBytes())], name).toEqual([...(await t.readBytes())]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('computes CRC-32 as zip does', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('rejects files that are not zip archives, or are cut short', async () => {
    const bytes = await readFile(join(FIXTURES, 'state-dict.pt'));
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['text', new TextEncoder().encode('not a zip archive at all, just some text that is long enough')],
      ['cut', bytes.subarray(0, bytes.length - 10)],
    ];
    for (const [name, data] of cases) {
      const path = join(dir, `${name}.zip`);
      await writeFile(path, data);
      const error = await openZip(path).catch((e: unknown) => e);
      expect(ZipFormatError.isInstance(error), name).toBe(true);
      expect((error as Error).message).toContain(path);
    }
  });

  const py = findPython([]);
  it.runIf(gate('python', 'python' in py, 'missing' in py ? py.missing : ''))(
    "reads ZIP64 archives (Python's zipfile writes the ZIP64 end record above 65535 entries)",
    async () => {
      const path = join(dir, 'zip64.zip');
      const script = [
        'import sys, zipfile',
        'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:',
        '    for i in range(70000): z.writestr(f"e/{i}", b"")',
        '    z.writestr("e/data", bytes(range(256)) * 4)',
      ].join('\n');
      const r = spawnSync((py as { python: string }).python, ['-c', script, path], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const zip = await openZip(path);
      try {
        expect(zip.entries.size).toBe(70001);
        const data = await zip.read('e/data');
        expect(data.length).toBe(1024);
        expect(data[255]).toBe(255);
        expect([...(await zip.readRange('e/data', 250, 10))]).toEqual([250, 251, 252, 253, 254, 255, 0, 1, 2, 3]);
      } finally {
        await zip.close();
      }
    },
  );
});
