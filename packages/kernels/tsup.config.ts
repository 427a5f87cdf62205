import { packageConfig } from '../../tooling/tsup.config.base';

// Two entries: the library, and tfjs-core's gradient registrations bundled for plain Node,
// whose CommonJS tfjs-core build lacks them (src/gradients/ensure-gradients.ts loads it on demand).
export default packageConfig(
  { index: 'src/index.ts', 'register-tfjs-gradients': 'src/gradients/register-tfjs-gradients.ts' },
  {
    noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
    esbuildOptions(options, context) {
      const ext = context.format === 'cjs' ? '.cjs' : '.js';
      options.define = { ...options.define, __TINYLM_GRADIENTS_ENTRY__: JSON.stringify(`./register-tfjs-gradients${ext}`) };
    },
  },
);
