import { packageConfig } from '../../tooling/tsup.config.base';

// Two entries: `index` (everything, Node file I/O included) and `bytes` (the browser-safe
// byte-level parts: header parse/serialize, dtype conversion, in-memory files, shard planning).
// Splitting puts the code they share in one chunk, so both entries hand out the same classes.
export default packageConfig({ index: 'src/index.ts', bytes: 'src/bytes.ts' }, { splitting: true });
