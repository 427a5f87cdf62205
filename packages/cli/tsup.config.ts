import { packageConfig } from '../../tooling/tsup.config.base';

// The bin is ESM only (it is executed, never imported); the library entry is ESM + CJS.
export default [
  packageConfig({ index: 'src/index.ts' }),
  packageConfig({ bin: 'src/bin.ts' }, { format: ['esm'], dts: false, clean: false }),
];
