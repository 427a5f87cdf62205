import { packageConfig } from '../../tooling/tsup.config.base';

// Two entries: the full library (Node), and the same without Hugging Face folder I/O (node:fs)
// for browsers and bundlers, chosen by the `browser` export condition.
export default packageConfig({ index: 'src/index.ts', browser: 'src/browser.ts' });
