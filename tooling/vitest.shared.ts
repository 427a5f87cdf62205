// Vitest defaults for every package: generous timeouts (WebGPU runs on SwiftShader, a CPU
// rasteriser, in CI) and one test file at a time per package (the tfjs engine is global).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
