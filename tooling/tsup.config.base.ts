// One tsup configuration for every package: ESM + CJS with type declarations.
// Peer and regular dependencies stay external (tsup's default), so tfjs-core is never bundled
// and two of our packages share one tfjs engine.
import { defineConfig, type Options } from 'tsup';

export function packageConfig(entry: Record<string, string>, extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    ...extra,
  });
}
