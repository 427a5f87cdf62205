// Safetensors stores every element little-endian (safetensors README, "Format": "Endianness:
// Little-endian"). Typed arrays use the platform's order, which is little-endian on every
// platform Node and browsers ship on today; this file keeps the code correct on the others.

/** True when typed arrays on this platform are little-endian. */
export const PLATFORM_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the bytes of each `size`-byte element of `bytes`, in place. */
export function swapBytesInPlace(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
