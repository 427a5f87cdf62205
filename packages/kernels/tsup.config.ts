import { packageConfig } from '../../tooling/tsup.config.base';

const gradientsEntry = (ext: string) => JSON.stringify(`./register-tfjs-gradients${ext}`);

export default [
  // The library, tfjs-core's gradient registrations bundled for plain Node, whose CommonJS
  // tfjs-core build lacks them (src/gradients/ensure-gradients.ts loads it on demand), and the
  // blas backend's thread-pool worker (an ES module either build starts: src/blas/thread-pool.ts).
  packageConfig(
    {
      index: 'src/index.ts',
      'register-tfjs-gradients': 'src/gradients/register-tfjs-gradients.ts',
      'pool-worker': 'src/blas/pool-worker.ts',
    },
    {
      noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
      // import.meta.url in the CommonJS build (the worker script is found next to the bundle)
      shims: true,
      esbuildOptions(options, context) {
        options.define = {
          ...options.define,
          __TINYLM_GRADIENTS_ENTRY__: gradientsEntry(context.format === 'cjs' ? '.cjs' : '.js'),
          __TINYLM_POOL_WORKER__: JSON.stringify('./pool-worker.js'),
        };
      },
    },
  ),
  // Browsers and bundlers: tfjs-core's gradient registrations stay an import of tfjs-core
  // (the bundler resolves them to the app's one copy). ESM only; no clean (the config above does).
  packageConfig(
    { browser: 'src/browser.ts' },
    {
      format: ['esm'],
      clean: false,
      esbuildOptions(options) {
        options.define = { ...options.define, __TINYLM_GRADIENTS_ENTRY__: gradientsEntry('.js') };
      },
    },
  ),
];
