// Human-readable numbers for reports: grouped integers, SI counts (1.10B), binary bytes (GiB).
// Deterministic (no locale): the same text on every machine, so reports can be compared and tested.

/** 6738415616 -> "6,738,415,616". */
export function formatInt(n: number): string {
  const [whole, frac] = String(Math.abs(n)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** 6738415616 -> "6.74B", 5261568 -> "5.26M", 108864 -> "108.9K" (SI, 3 significant digits). */
export function formatCount(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [scale, unit] of units) if (Math.abs(n) >= scale) return `${precise(n / scale)}${unit}`;
  return String(n);
}

/** Bytes in binary units: 13476831232 -> "12.55 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${value} B` : `${value.toFixed(2)} ${units[i]}`;
}

/** FLOPs: 7.14e9 -> "7.14 GFLOP". */
export function formatFlops(flops: number): string {
  const units: [number, string][] = [
    [1e15, 'PFLOP'],
    [1e12, 'TFLOP'],
    [1e9, 'GFLOP'],
    [1e6, 'MFLOP'],
    [1e3, 'KFLOP'],
  ];
  for (const [scale, unit] of units) if (Math.abs(flops) >= scale) return `${precise(flops / scale)} ${unit}`;
  return `${flops} FLOP`;
}

/** 0.180712 -> "18.07%". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

function precise(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(2);
}
