import { packageConfig } from '../../tooling/tsup.config.base';

// The bin is ESM only (it is executed, never imported); the library entry is ESM + CJS.
// `shims` gives the CJS build an `import.meta.url` (the demo resolves the Qwen3 tokenizer with it).
export default [
  packageConfig({ index: 'src/index.ts' }, { shims: true }),
  packageConfig({ bin: 'src/bin.ts' }, { format: ['esm'], dts: false, clean: false }),
];
