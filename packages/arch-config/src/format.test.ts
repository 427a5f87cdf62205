// Tests of format.ts: locale-free number formatting for reports.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatFlops, formatInt, formatPercent } from './format';

describe('format', () => {
  it('groups integers without a locale', () => {
    expect(formatInt(6_738_415_616)).toBe('6,738,415,616');
    expect(formatInt(999)).toBe('999');
    expect(formatInt(-1234567)).toBe('-1,234,567');
    expect(formatInt(1234.5)).toBe('1,234.5');
  });

  it('SI counts', () => {
    expect(formatCount(6_738_415_616)).toBe('6.74B');
    expect(formatCount(5_261_568)).toBe('5.26M');
    expect(formatCount(108_864)).toBe('108.9K');
    expect(formatCount(512)).toBe('512');
  });

  it('binary bytes, FLOPs, percent', () => {
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.00 GiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(100)).toBe('100 B');
    expect(formatFlops(7.31e9)).toBe('7.31 GFLOP');
    expect(formatFlops(12)).toBe('12 FLOP');
    expect(formatPercent(0.180712)).toBe('18.07%');
  });
});
