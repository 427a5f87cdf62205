import { packageConfig } from '../../tooling/tsup.config.base';

// Two entries: the library, and the worker-thread script countTokens starts (located next to
// the library file at run time, so it must be a file of its own; it needs no type declarations).
// `shims` gives the CJS build an `import.meta.url` to find it by.
export default packageConfig(
  { index: 'src/index.ts', 'count-worker': 'src/count-worker.ts' },
  { shims: true, dts: { entry: { index: 'src/index.ts' } } },
);
