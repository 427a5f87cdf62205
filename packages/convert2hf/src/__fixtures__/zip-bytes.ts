// A minimal zip writer for tests (stored entries only, PKWARE APPNOTE 4.3.7 / 4.3.12 / 4.3.16):
// enough to wrap a hand-built pickle as a torch.save file, or to write a central directory entry
// with a hostile extra field.
import { crc32 } from '../zip-reader';

export interface ZipInput {
  name: string;
  data: Uint8Array;
  /** Raw extra-field bytes for the central directory entry. */
  extra?: Uint8Array;
  /** Write 0xffffffff as the 32-bit sizes (the ZIP64 marker), whatever the extra field says. */
  zip64Sizes?: boolean;
}

export function zipBytes(entries: readonly ZipInput[]): Uint8Array {
  const local: number[] = [];
  const central: number[] = [];
  const u16 = (a: number[], n: number) => a.push(n & 0xff, (n >>> 8) & 0xff);
  const u32 = (a: number[], n: number) => a.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const crc = crc32(e.data);
    const offset = local.length;
    u32(local, 0x04034b50);
    for (const v of [20, 0, 0, 0, 0]) u16(local, v);
    u32(local, crc);
    u32(local, e.data.length);
    u32(local, e.data.length);
    u16(local, name.length);
    u16(local, 0);
    local.push(...name, ...e.data);
    // a zip64 entry without an explicit extra field gets the real one: 64-bit size and compressed size
    const extra = e.extra ?? (e.zip64Sizes ? zip64Extra(e.data.length) : new Uint8Array(0));
    const size = e.zip64Sizes ? 0xffffffff : e.data.length;
    u32(central, 0x02014b50);
    for (const v of [20, 20, 0, 0, 0, 0]) u16(central, v);
    u32(central, crc);
    u32(central, size);
    u32(central, size);
    u16(central, name.length);
    u16(central, extra.length);
    for (const v of [0, 0, 0]) u16(central, v);
    u32(central, 0);
    u32(central, offset);
    central.push(...name, ...extra);
  }
  const end: number[] = [];
  u32(end, 0x06054b50);
  u16(end, 0);
  u16(end, 0);
  u16(end, entries.length);
  u16(end, entries.length);
  u32(end, central.length);
  u32(end, local.length);
  u16(end, 0);
  return Uint8Array.from([...local, ...central, ...end]);
}

function zip64Extra(size: number): Uint8Array {
  const out = new Uint8Array(20);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0x0001, true);
  view.setUint16(2, 16, true);
  view.setBigUint64(4, BigInt(size), true);
  view.setBigUint64(12, BigInt(size), true);
  return out;
}

/** A torch.save-shaped archive: `archive/data.pkl` and `archive/data/<key>` storages. */
export function torchZip(pkl: Uint8Array, storages: Readonly<Record<string, Uint8Array>> = {}, zip64Sizes = false): Uint8Array {
  return zipBytes([
    { name: 'archive/data.pkl', data: pkl, zip64Sizes },
    ...Object.entries(storages).map(([key, data]) => ({ name: `archive/data/${key}`, data, zip64Sizes })),
  ]);
}
