// A small, strict reader of zip archives, enough for PyTorch checkpoints (torch.save's default
// zip container since PyTorch 1.6: stored entries, ZIP64 above 4 GiB). Opening reads only the
// central directory; an entry, or a byte range of a stored entry, is then read by offset, so a
// multi-gigabyte checkpoint never has to fit in memory.
// Follows PKWARE's APPNOTE.TXT (6.3.x): end of central directory record (4.3.16), ZIP64 end of
// central directory record and locator (4.3.14, 4.3.15), central directory headers (4.3.12),
// local file headers (4.3.7) and the ZIP64 extended information extra field (4.5.3).
// Every offset is checked against the file size, and whole-entry reads are checked against the
// entry's CRC-32, so a truncated or corrupted file is an error that names the entry.

import { type FileHandle, open } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { showValue } from '@tinylm/errors';
import { SourceCheckpointError, ZipFormatError } from './errors';
import { CENTRAL_SIG, EOCD_SIG, LOCAL_SIG, ZIP64_EOCD_SIG, ZIP64_LOCATOR_SIG } from './zip-format';

/** One entry of a zip archive's central directory. */
export interface ZipEntry {
  /** The entry's path inside the archive, e.g. `archive/data/0`. */
  readonly name: string;
  /** 0 = stored, 8 = deflate (the two methods supported). */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

async function readAt(handle: FileHandle, length: number, position: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? bytes : bytes.subarray(0, done);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO-HDLC, as zip uses): node:zlib's when the runtime has it, else a table version. */
export function crc32(bytes: Uint8Array): number {
  const native = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
  if (typeof native === 'function') return native(bytes) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** An open zip archive; see `openZip`. Call `close()` when done. */
export class ZipArchive {
  readonly path: string;
  /** Size of the file in bytes. */
  readonly fileSize: number;
  /** The entries, by name, in central-directory order. */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  private readonly handle: FileHandle;
  private readonly dataOffsets = new Map<string, number>();

  private constructor(path: string, handle: FileHandle, fileSize: number, entries: Map<string, ZipEntry>) {
    this.path = path;
    this.handle = handle;
    this.fileSize = fileSize;
    this.entries = entries;
  }

  /** Opens `path` and reads its central directory; use `openZip`. */
  static async open(path: string): Promise<ZipArchive> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      // ENOENT, EISDIR, ENAMETOOLONG...: a tinylm error naming the file, the system's words kept as the cause
      throw new SourceCheckpointError({ message: `${path}: cannot open (${(error as Error).message})`, file: path, cause: error });
    }
    try {
      const { size } = await handle.stat();
      const entries = await readCentralDirectory(handle, size, path);
      return new ZipArchive(path, handle, size, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  private fail(message: string, entry?: string): never {
    throw new ZipFormatError({
      message: `${this.path}: ${entry ? `entry ${showValue(entry)}: ` : ''}${message}`,
      file: this.path,
      field: entry,
    });
  }

  /** The entry called `name`; throws `ZipFormatError` listing nothing more than the name if absent. */
  entry(name: string): ZipEntry {
    const e = this.entries.get(name);
    if (!e) this.fail(`no entry ${showValue(name)} in the archive`);
    return e;
  }

  private async dataOffset(entry: ZipEntry): Promise<number> {
    const cached = this.dataOffsets.get(entry.name);
    if (cached !== undefined) return cached;
    const header = await readAt(this.handle, 30, entry.localHeaderOffset);
    if (header.length < 30) this.fail('local header is past the end of the file (truncated?)', entry.name);
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (view.getUint32(0, true) !== LOCAL_SIG) this.fail('local header signature not found (corrupt archive)', entry.name);
    const start = entry.localHeaderOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
    if (start + entry.compressedSize > this.fileSize) {
      this.fail(`data ends at byte ${start + entry.compressedSize} but the file has ${this.fileSize} bytes (truncated?)`, entry.name);
    }
    this.dataOffsets.set(entry.name, start);
    return start;
  }

  /** Reads a whole entry (inflating a deflated one) and checks its CRC-32. */
  async read(name: string): Promise<Uint8Array> {
    const entry = this.entry(name);
    const start = await this.dataOffset(entry);
    const raw = await readAt(this.handle, entry.compressedSize, start);
    if (raw.length !== entry.compressedSize) this.fail('file ended inside the entry (truncated?)', name);
    let data: Uint8Array = raw;
    if (entry.method === 8) {
      try {
        // never more than the directory's size: a deflate stream may inflate far beyond it
        data = new Uint8Array(zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) }));
      } catch (error) {
        this.fail(`cannot inflate (${(error as Error).message})`, name);
      }
    }
    if (data.length !== entry.size) this.fail(`holds ${data.length} bytes, the directory says ${entry.size}`, name);
    const crc = crc32(data);
    if (crc !== entry.crc32) {
      this.fail(`CRC-32 mismatch (computed ${hex(crc)}, directory says ${hex(entry.crc32)}): the file is corrupt`, name);
    }
    return data;
  }

  /**
   * Reads `length` bytes at `begin` of an entry's uncompressed data. Stored entries are read by
   * offset; deflated ones are inflated whole. A read covering the whole entry is CRC-checked.
   */
  async readRange(name: string, begin: number, length: number): Promise<Uint8Array> {
    const entry = this.entry(name);
    if (begin < 0 || length < 0 || begin + length > entry.size) {
      this.fail(`bytes [${begin}, ${begin + length}) are outside the entry's ${entry.size} bytes`, name);
    }
    if (entry.method !== 0 || (begin === 0 && length === entry.size)) {
      const all = await this.read(name);
      return begin === 0 && length === all.length ? all : all.slice(begin, begin + length);
    }
    const start = await this.dataOffset(entry);
    const bytes = await readAt(this.handle, length, start + begin);
    if (bytes.length !== length) this.fail('file ended inside the entry (truncated?)', name);
    return bytes;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function u64(view: DataView, offset: number, path: string, entry?: string): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ZipFormatError({
      message: `${path}: ${entry === undefined ? '' : `entry ${showValue(entry)}: `}a 64-bit size or offset (${value}) is too large`,
      file: path,
      field: entry,
    });
  }
  return Number(value);
}

/** Deflate's best ratio is about 1032:1, so an entry claiming more than this per compressed byte lies. */
const MAX_DEFLATE_RATIO = 1032;

async function readCentralDirectory(handle: FileHandle, fileSize: number, path: string): Promise<Map<string, ZipEntry>> {
  const fail = (message: string): never => {
    throw new ZipFormatError({ message: `${path}: ${message}`, file: path });
  };
  if (fileSize < 22) fail(`not a zip archive: only ${fileSize} bytes`);
  // The end-of-central-directory record is the last 22 bytes plus a comment of up to 65535 bytes.
  const tailLength = Math.min(fileSize, 22 + 0xffff + 20);
  const tailStart = fileSize - tailLength;
  const tail = await readAt(handle, tailLength, tailStart);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD_SIG && i + 22 + tv.getUint16(i + 20, true) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('no end-of-central-directory record: not a zip archive, or truncated');
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if (tv.getUint16(eocd + 4, true) !== 0 || tv.getUint16(eocd + 6, true) !== 0) fail('multi-disk archives are not supported');
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || tv.getUint32(loc, true) !== ZIP64_LOCATOR_SIG)
      fail('ZIP64 end-of-central-directory locator not found (corrupt archive)');
    const recordOffset = u64(tv, loc + 8, path);
    const record = await readAt(handle, 56, recordOffset);
    if (record.length < 56) fail('ZIP64 end-of-central-directory record is past the end of the file (truncated?)');
    const rv = new DataView(record.buffer, record.byteOffset, record.byteLength);
    if (rv.getUint32(0, true) !== ZIP64_EOCD_SIG) fail('ZIP64 end-of-central-directory record not found (corrupt archive)');
    count = u64(rv, 32, path);
    cdSize = u64(rv, 40, path);
    cdOffset = u64(rv, 48, path);
  }
  if (cdOffset + cdSize > fileSize)
    fail(`central directory [${cdOffset}, ${cdOffset + cdSize}) is outside the file's ${fileSize} bytes (truncated?)`);
  const cd = await readAt(handle, cdSize, cdOffset);
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const entries = new Map<string, ZipEntry>();
  if (count * 46 > cd.length)
    fail(`the central directory claims ${count} entries but its ${cd.length} bytes hold at most ${Math.floor(cd.length / 46)}`);
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cv.getUint32(p, true) !== CENTRAL_SIG) fail(`central directory entry ${n} is corrupt`);
    const flags = cv.getUint16(p + 8, true);
    const method = cv.getUint16(p + 10, true);
    const crc = cv.getUint32(p + 16, true);
    let compressedSize = cv.getUint32(p + 20, true);
    let size = cv.getUint32(p + 24, true);
    const nameLength = cv.getUint16(p + 28, true);
    const extraLength = cv.getUint16(p + 30, true);
    const commentLength = cv.getUint16(p + 32, true);
    let localHeaderOffset = cv.getUint32(p + 42, true);
    if (p + 46 + nameLength + extraLength + commentLength > cd.length) fail(`central directory entry ${n} is corrupt`);
    const name = decoder.decode(cd.subarray(p + 46, p + 46 + nameLength));
    const bad = (message: string): never => {
      throw new ZipFormatError({ message: `${path}: entry ${showValue(name)}: ${message}`, file: path, field: name });
    };
    // ZIP64 extended information: 64-bit values for the fields whose 32-bit value is all ones,
    // each read only where the field (and the extra area holding it) really has the 8 bytes.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cv.getUint16(e, true);
      const len = cv.getUint16(e + 2, true);
      const fieldEnd = e + 4 + len;
      if (fieldEnd > extraEnd)
        bad(`extra field 0x${id.toString(16).padStart(4, '0')} claims ${len} bytes past the end of the entry's extra area`);
      if (id === 0x0001) {
        let f = e + 4;
        const next = (what: string) => {
          if (f + 8 > fieldEnd) bad(`the ZIP64 extra field has no 64-bit ${what} (it holds ${len} bytes)`);
          f += 8;
          return u64(cv, f - 8, path, name);
        };
        if (size === 0xffffffff) size = next('size');
        if (compressedSize === 0xffffffff) compressedSize = next('compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next('local header offset');
      }
      e = fieldEnd;
    }
    if (flags & 1) bad('is encrypted, which is not supported');
    if (method !== 0 && method !== 8) bad(`uses compression method ${method}; allowed: 0 (stored), 8 (deflate)`);
    if (method === 0 && size !== compressedSize) bad(`is stored (not compressed) but claims ${size} bytes in ${compressedSize}`);
    if (method === 8 && size > MAX_DEFLATE_RATIO * compressedSize + 64) {
      bad(`claims ${size} bytes inflated from ${compressedSize}, beyond what deflate can do (corrupt archive)`);
    }
    if (localHeaderOffset + 30 > fileSize) bad('starts past the end of the file (truncated?)');
    if (entries.has(name)) bad('appears twice in the central directory (ambiguous archive)');
    entries.set(name, { name, method, compressedSize, size, crc32: crc, localHeaderOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Opens a zip archive, reading only its central directory (ZIP64 supported). Throws
 * `ZipFormatError` naming the file for a truncated or corrupt archive.
 */
export function openZip(path: string): Promise<ZipArchive> {
  return ZipArchive.open(path);
}
