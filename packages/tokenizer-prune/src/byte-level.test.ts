// The GPT-2 byte-to-character table, against known entries.

import { describe, expect, it } from 'vitest';
import { BYTE_LEVEL_ALPHABET } from './byte-level';

describe('byte-level alphabet', () => {
  it('maps bytes as GPT-2 bytes_to_unicode does', () => {
    expect(BYTE_LEVEL_ALPHABET[0x20]).toBe('\u0120'); // Ġ
    expect(BYTE_LEVEL_ALPHABET[0x0a]).toBe('\u010a'); // Ċ
    expect(BYTE_LEVEL_ALPHABET[0x00]).toBe('\u0100');
    expect(BYTE_LEVEL_ALPHABET[0xad]).toBe('\u0143');
    expect(BYTE_LEVEL_ALPHABET[0x41]).toBe('A');
    expect(new Set(BYTE_LEVEL_ALPHABET).size).toBe(256);
  });
});
