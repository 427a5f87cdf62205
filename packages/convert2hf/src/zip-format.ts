// Record signatures and limits of the zip format (PKWARE APPNOTE.TXT 6.3.x, section 4.3), shared
// by the reader (zip-reader.ts) and the writer (zip-writer.ts).

export const LOCAL_SIG = 0x04034b50;
export const DATA_DESCRIPTOR_SIG = 0x08074b50;
export const CENTRAL_SIG = 0x02014b50;
export const ZIP64_EOCD_SIG = 0x06064b50;
export const ZIP64_LOCATOR_SIG = 0x07064b50;
export const EOCD_SIG = 0x06054b50;

/** Header id of the ZIP64 extended information extra field (4.5.3). */
export const ZIP64_EXTRA_ID = 0x0001;
/** A 32-bit size or offset at or above this is written as all ones plus a ZIP64 value. */
export const ZIP64_LIMIT = 0xffffffff;
/** An entry count at or above this is written as 0xffff in the end record. */
export const ZIP64_COUNT_LIMIT = 0xffff;

/** Fixed sizes of the records (without names, extra fields or comments). */
export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;
