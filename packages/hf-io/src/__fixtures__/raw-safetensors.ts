// Test support: hand-built safetensors bytes, including broken ones, without going through the
// package's writer.

/** 8-byte little-endian size + `header` (JSON text or an object to stringify) + `data`. */
export function rawSafetensors(header: string | object, data: Uint8Array | number = 0, sizeField?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, sizeField ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

/** Catches what `fn` throws (sync or async) so a test can look at every field. */
export async function caught(fn: () => unknown): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected an error, none was thrown');
}
