// The zip writer: records aligned to 64 bytes, read back with their CRCs by our reader and by
// Python's zipfile, in the plain and the ZIP64 layout (forced on small archives by a lower
// threshold), the file writer equal to the in-memory encoder, and bad names refused.
import { spawnSync } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython } from '../../../tooling/python';
import { gate } from '../../../tooling/test-env';
import { FIXTURES } from './__fixtures__/paths';
import { CheckpointWriteError } from './errors';
import { openZip } from './zip-reader';
import { encodeZip, ZIP_RECORD_ALIGNMENT, ZipFileWriter, ZipLayout } from './zip-writer';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convert2hf-zip-writer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const RECORDS: [string, Uint8Array][] = [
  ['a/data.pkl', Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)],
  ['a/empty', new Uint8Array(0)],
  ['a/data/0', Uint8Array.from({ length: 7 }, (_, i) => 200 + i)],
  ['a/ü→', new Uint8Array([1, 2, 3])],
  ['a/version', new TextEncoder().encode('3\n')],
];

/** Where each entry's data starts, read from its local header (offsets from our reader's directory). */
function dataStarts(bytes: Uint8Array, offsets: number[]): number[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return offsets.map((o) => o + 30 + v.getUint16(o + 26, true) + v.getUint16(o + 28, true));
}

async function expectReadable(path: string): Promise<void> {
  const zip = await openZip(path);
  try {
    expect([...zip.entries.keys()]).toEqual(RECORDS.map((r) => r[0]));
    for (const [name, data] of RECORDS) expect([...(await zip.read(name))], name).toEqual([...data]); // read() checks the CRC-32
    const starts = dataStarts(
      await readFile(path),
      [...zip.entries.values()].map((e) => e.localHeaderOffset),
    );
    for (const s of starts) expect(s % ZIP_RECORD_ALIGNMENT).toBe(0);
  } finally {
    await zip.close();
  }
}

describe('encodeZip / ZipFileWriter', () => {
  for (const zip64Threshold of [undefined, 1, 100]) {
    it(`writes archives our reader reads with CRCs and 64-byte aligned data (zip64Threshold ${zip64Threshold ?? 'default'})`, async () => {
      const path = join(dir, `t${zip64Threshold}.zip`);
      const bytes = encodeZip(RECORDS, { zip64Threshold });
      await writeFile(path, bytes);
      await expectReadable(path);
      // the same bytes through a file handle
      const viaHandle = join(dir, `h${zip64Threshold}.zip`);
      const handle = await open(viaHandle, 'w');
      try {
        const writer = new ZipFileWriter(handle, { zip64Threshold });
        for (const [name, data] of RECORDS) await writer.add(name, data);
        expect(await writer.finish()).toBe(bytes.length);
      } finally {
        await handle.close();
      }
      expect(Buffer.compare(await readFile(viaHandle), bytes)).toBe(0);
    });
  }

  it('writes the entry count in the ZIP64 end record past 65535 entries', async () => {
    const path = join(dir, 'many.zip');
    const records = Array.from({ length: 65540 }, (_, i): [string, Uint8Array] => [`m/${i}`, new Uint8Array([i & 0xff])]);
    const bytes = encodeZip(records);
    const tail = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 22);
    expect(tail.getUint16(10, true)).toBe(0xffff);
    await writeFile(path, bytes);
    const zip = await openZip(path);
    try {
      expect(zip.entries.size).toBe(65540);
      expect([...(await zip.read('m/65539'))]).toEqual([65539 & 0xff]);
    } finally {
      await zip.close();
    }
  });

  it('refuses a duplicate name, a name over 65535 bytes and a bad threshold', () => {
    const layout = new ZipLayout();
    layout.record('x', new Uint8Array(1));
    expect(() => layout.record('x', new Uint8Array(1))).toThrow(/already has an entry "x"/);
    expect(() => layout.record('é'.repeat(40000), new Uint8Array(1))).toThrow(/80000 bytes of UTF-8; at most 65535/);
    for (const t of [0, 2 ** 32, 1.5]) {
      let error: unknown;
      try {
        new ZipLayout({ zip64Threshold: t });
      } catch (e) {
        error = e;
      }
      expect(CheckpointWriteError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/zip64Threshold = .* is invalid/);
    }
  });
});

const py = findPython([]);
const python = 'python' in py ? py.python : '';
describe.runIf(gate('python', 'python' in py, 'missing' in py ? py.missing : ''))("Python's zipfile", () => {
  for (const zip64Threshold of [undefined, 1]) {
    it(`reads every entry with a correct CRC (zip64Threshold ${zip64Threshold ?? 'default'})`, async () => {
      const path = join(dir, `py${zip64Threshold}.zip`);
      await writeFile(path, encodeZip(RECORDS, { zip64Threshold }));
      const r = spawnSync(python, [join(FIXTURES, 'torch_save_check.py'), 'zip', path], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { bad: string | null; entries: { name: string; size: number; data_start: number }[] };
      expect(out.bad).toBeNull();
      expect(out.entries.map((e) => [e.name, e.size])).toEqual(RECORDS.map(([n, d]) => [n, d.length]));
      for (const e of out.entries) expect(e.data_start % ZIP_RECORD_ALIGNMENT, e.name).toBe(0);
    });
  }
});
