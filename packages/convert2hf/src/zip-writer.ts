// A streaming writer of zip archives as PyTorch writes them (caffe2/serialize/inline_container.cc,
// PyTorchStreamWriter on miniz): stored (uncompressed) entries, each record's data aligned to 64
// bytes by padding in the local header's extra field (header id "FB", then "Z" bytes), the local
// header's CRC and sizes left zero with a data descriptor after the data (flags 0x0808, as miniz
// writes; none for an empty record), zero timestamps, and a ZIP64 end-of-central-directory record and locator before the
// plain end record. An entry of 4 GiB or more, or one starting past 4 GiB, gets ZIP64 values
// (PKWARE APPNOTE.TXT 4.5.3): such a local header carries its CRC and its sizes in a ZIP64 extra
// field (no data descriptor), and the central directory holds the ZIP64 sizes and offset.
// `ZipLayout` computes the bytes around each record; `ZipFileWriter` writes them and the data to a
// file handle as it goes, so only the record being written and the directory are held in memory.

import type { FileHandle } from 'node:fs/promises';
import { showValue } from '@tinylm/errors';
import { CheckpointWriteError } from './errors';
import { crc32 } from './zip-reader';
import {
  CENTRAL_HEADER_SIZE,
  CENTRAL_SIG,
  DATA_DESCRIPTOR_SIG,
  EOCD_SIG,
  EOCD_SIZE,
  LOCAL_HEADER_SIZE,
  LOCAL_SIG,
  ZIP64_COUNT_LIMIT,
  ZIP64_EOCD_SIG,
  ZIP64_EOCD_SIZE,
  ZIP64_EXTRA_ID,
  ZIP64_LIMIT,
  ZIP64_LOCATOR_SIG,
  ZIP64_LOCATOR_SIZE,
} from './zip-format';

/** Where each record's data starts: PyTorchStreamWriter's kFieldAlignment, so storages can be mmapped. */
export const ZIP_RECORD_ALIGNMENT = 64;

/** General purpose flags: bit 3 (sizes in a data descriptor) and bit 11 (UTF-8 names), as miniz sets for torch. */
const FLAGS_DESCRIPTOR = 0x0808;
const FLAGS_UTF8 = 0x0800;
/** "Version needed to extract": torch leaves it 0; ZIP64 entries need 4.5. */
const VERSION_ZIP64 = 45;
/** The ZIP64 end record's "version made by" (3.0 on Unix) and "needed", as torch files carry. */
const ZIP64_MADE_BY = 0x031e;
/** Header id of the alignment padding field: the bytes "FB". */
const PADDING_ID = 0x4246;
const PADDING_BYTE = 0x5a; // "Z"

/** Options for `ZipLayout` / `ZipFileWriter`. */
export interface ZipWriterOptions {
  /**
   * Sizes and offsets at or above this are written as ZIP64 values. Default (and most) 0xffffffff,
   * where the 32-bit fields end; tests lower it to check the ZIP64 layout on small archives.
   */
  zip64Threshold?: number;
}

interface CentralEntry {
  readonly name: Uint8Array;
  readonly crc: number;
  readonly size: number;
  readonly offset: number;
  readonly zip64: boolean;
  readonly descriptor: boolean;
}

const encoder = new TextEncoder();

/**
 * The bytes of a zip archive written front to back: `record(name, data)` gives what goes before
 * and after one record's data at the current offset, `finish()` the central directory and end
 * records. Pure (no I/O), so the file writer and the in-memory encoder share it.
 */
export class ZipLayout {
  private readonly entries: CentralEntry[] = [];
  private readonly names = new Set<string>();
  private readonly threshold: number;
  /** Bytes written so far (where the next record starts). */
  offset = 0;

  constructor(options: ZipWriterOptions = {}) {
    const t = options.zip64Threshold ?? ZIP64_LIMIT;
    if (!Number.isSafeInteger(t) || t < 1 || t > ZIP64_LIMIT) {
      throw new CheckpointWriteError({
        message: `zip writer: zip64Threshold = ${showValue(t)} is invalid; allowed: an integer from 1 to ${ZIP64_LIMIT}`,
        field: 'zip64Threshold',
        value: showValue(t),
      });
    }
    this.threshold = t;
  }

  /**
   * The local header (with alignment padding) and the trailer (data descriptor, or nothing for a
   * ZIP64 entry) of a record holding `data`, which the caller writes between them. Throws
   * `CheckpointWriteError` for a duplicate or too long name.
   */
  record(name: string, data: Uint8Array): { header: Uint8Array; trailer: Uint8Array } {
    const nameBytes = encoder.encode(name);
    if (this.names.has(name)) fail(`the archive already has an entry ${showValue(name)}`, name);
    if (nameBytes.length > 0xffff) fail(`entry name ${showValue(name)} is ${nameBytes.length} bytes of UTF-8; at most 65535`, name);
    this.names.add(name);
    const size = data.length;
    const crc = crc32(data);
    // An entry past the threshold in size or offset gets ZIP64 sizes: miniz (torch's reader) bounds
    // an entry by its 32-bit offset whenever its 32-bit sizes are real, so both go ZIP64 together.
    const zip64 = size >= this.threshold || this.offset >= this.threshold;
    const zip64Length = zip64 ? 4 + 16 : 0;
    // miniz writes an empty record without a data descriptor (its CRC and sizes are all zero anyway)
    const descriptor = !zip64 && size > 0;
    const start = this.offset + LOCAL_HEADER_SIZE + nameBytes.length + zip64Length + 4;
    const padding = (ZIP_RECORD_ALIGNMENT - (start % ZIP_RECORD_ALIGNMENT)) % ZIP_RECORD_ALIGNMENT;
    const header = new Uint8Array(LOCAL_HEADER_SIZE + nameBytes.length + zip64Length + 4 + padding);
    const h = new DataView(header.buffer);
    h.setUint32(0, LOCAL_SIG, true);
    h.setUint16(4, zip64 ? VERSION_ZIP64 : 0, true);
    h.setUint16(6, descriptor ? FLAGS_DESCRIPTOR : FLAGS_UTF8, true);
    // method 0 (stored), time and date 0; CRC and sizes 0 where the data descriptor holds them
    if (zip64) {
      h.setUint32(14, crc, true);
      h.setUint32(18, ZIP64_LIMIT, true);
      h.setUint32(22, ZIP64_LIMIT, true);
    }
    h.setUint16(26, nameBytes.length, true);
    h.setUint16(28, zip64Length + 4 + padding, true);
    header.set(nameBytes, LOCAL_HEADER_SIZE);
    let e = LOCAL_HEADER_SIZE + nameBytes.length;
    if (zip64) {
      h.setUint16(e, ZIP64_EXTRA_ID, true);
      h.setUint16(e + 2, 16, true);
      h.setBigUint64(e + 4, BigInt(size), true);
      h.setBigUint64(e + 12, BigInt(size), true);
      e += zip64Length;
    }
    h.setUint16(e, PADDING_ID, true);
    h.setUint16(e + 2, padding, true);
    header.fill(PADDING_BYTE, e + 4);

    let trailer = new Uint8Array(0);
    if (descriptor) {
      trailer = new Uint8Array(16);
      const t = new DataView(trailer.buffer);
      t.setUint32(0, DATA_DESCRIPTOR_SIG, true);
      t.setUint32(4, crc, true);
      t.setUint32(8, size, true);
      t.setUint32(12, size, true);
    }
    this.entries.push({ name: nameBytes, crc, size, offset: this.offset, zip64, descriptor });
    this.offset += header.length + size + trailer.length;
    return { header, trailer };
  }

  /** The central directory, the ZIP64 end record and locator, and the end record: the archive's last bytes. */
  finish(): Uint8Array {
    const t = this.threshold;
    const extraOf = (e: CentralEntry) => (e.zip64 ? 16 : 0) + (e.offset >= t ? 8 : 0);
    let cdSize = 0;
    for (const e of this.entries) {
      const extra = extraOf(e);
      cdSize += CENTRAL_HEADER_SIZE + e.name.length + (extra > 0 ? 4 + extra : 0);
    }
    const cdOffset = this.offset;
    const out = new Uint8Array(cdSize + ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE + EOCD_SIZE);
    const v = new DataView(out.buffer);
    let p = 0;
    for (const e of this.entries) {
      const extra = extraOf(e);
      const zip64 = extra > 0;
      v.setUint32(p, CENTRAL_SIG, true);
      // version made by 0, as torch writes
      v.setUint16(p + 6, zip64 ? VERSION_ZIP64 : 0, true);
      v.setUint16(p + 8, e.descriptor ? FLAGS_DESCRIPTOR : FLAGS_UTF8, true);
      v.setUint32(p + 16, e.crc, true);
      v.setUint32(p + 20, e.zip64 ? ZIP64_LIMIT : e.size, true);
      v.setUint32(p + 24, e.zip64 ? ZIP64_LIMIT : e.size, true);
      v.setUint16(p + 28, e.name.length, true);
      v.setUint16(p + 30, zip64 ? 4 + extra : 0, true);
      v.setUint32(p + 42, e.offset >= t ? ZIP64_LIMIT : e.offset, true);
      out.set(e.name, p + CENTRAL_HEADER_SIZE);
      let x = p + CENTRAL_HEADER_SIZE + e.name.length;
      if (zip64) {
        // APPNOTE 4.5.3: only the fields whose 32-bit value is all ones, in this order
        v.setUint16(x, ZIP64_EXTRA_ID, true);
        v.setUint16(x + 2, extra, true);
        x += 4;
        if (e.zip64) {
          v.setBigUint64(x, BigInt(e.size), true);
          v.setBigUint64(x + 8, BigInt(e.size), true);
          x += 16;
        }
        if (e.offset >= t) {
          v.setBigUint64(x, BigInt(e.offset), true);
          x += 8;
        }
      }
      p = x;
    }
    const count = this.entries.length;
    const zip64EndOffset = cdOffset + cdSize;
    v.setUint32(p, ZIP64_EOCD_SIG, true);
    v.setBigUint64(p + 4, BigInt(ZIP64_EOCD_SIZE - 12), true);
    v.setUint16(p + 12, ZIP64_MADE_BY, true);
    v.setUint16(p + 14, VERSION_ZIP64, true);
    v.setBigUint64(p + 24, BigInt(count), true);
    v.setBigUint64(p + 32, BigInt(count), true);
    v.setBigUint64(p + 40, BigInt(cdSize), true);
    v.setBigUint64(p + 48, BigInt(cdOffset), true);
    p += ZIP64_EOCD_SIZE;
    v.setUint32(p, ZIP64_LOCATOR_SIG, true);
    v.setBigUint64(p + 8, BigInt(zip64EndOffset), true);
    v.setUint32(p + 16, 1, true);
    p += ZIP64_LOCATOR_SIZE;
    v.setUint32(p, EOCD_SIG, true);
    v.setUint16(p + 8, Math.min(count, ZIP64_COUNT_LIMIT), true);
    v.setUint16(p + 10, Math.min(count, ZIP64_COUNT_LIMIT), true);
    v.setUint32(p + 12, cdSize >= t ? ZIP64_LIMIT : cdSize, true);
    v.setUint32(p + 16, cdOffset >= t ? ZIP64_LIMIT : cdOffset, true);
    this.offset += out.length;
    return out;
  }
}

function fail(message: string, name: string): never {
  throw new CheckpointWriteError({ message: `zip writer: ${message}`, field: name.slice(0, 200) });
}

/** Bytes per write call: fs.write takes at most 2 GiB at once, and a tensor may be larger. */
const WRITE_CHUNK = 1 << 26;

/** Writes all of `bytes` at `position` (a write may take fewer bytes than asked). */
async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(WRITE_CHUNK, bytes.length - done), position + done);
    done += bytesWritten;
  }
}

/**
 * Writes a zip archive to an open file handle from its start, one record at a time: `add` writes
 * a record's header, data and trailer at once and keeps only its directory entry; `finish`
 * writes the central directory and end records and returns the archive's size.
 */
export class ZipFileWriter {
  private readonly layout: ZipLayout;

  constructor(
    private readonly handle: FileHandle,
    options: ZipWriterOptions = {},
  ) {
    this.layout = new ZipLayout(options);
  }

  async add(name: string, data: Uint8Array): Promise<void> {
    const at = this.layout.offset;
    const { header, trailer } = this.layout.record(name, data);
    await writeFully(this.handle, header, at);
    await writeFully(this.handle, data, at + header.length);
    await writeFully(this.handle, trailer, at + header.length + data.length);
  }

  async finish(): Promise<number> {
    const at = this.layout.offset;
    await writeFully(this.handle, this.layout.finish(), at);
    return this.layout.offset;
  }
}

/** A whole zip archive in memory (for small archives and tests), laid out as `ZipFileWriter` writes it. */
export function encodeZip(records: Iterable<readonly [string, Uint8Array]>, options: ZipWriterOptions = {}): Uint8Array {
  const layout = new ZipLayout(options);
  const parts: Uint8Array[] = [];
  for (const [name, data] of records) {
    const { header, trailer } = layout.record(name, data);
    parts.push(header, data, trailer);
  }
  parts.push(layout.finish());
  const out = new Uint8Array(layout.offset);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
