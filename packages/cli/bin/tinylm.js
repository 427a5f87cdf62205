#!/usr/bin/env node
// The `tinylm` executable: a committed stub (so npm links it at install time, before the
// package is built) that runs the built CLI.
import('../dist/bin.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/bin.js')) {
    process.stderr.write('tinylm: the CLI is not built yet; run `npm run build` first\n');
    process.exit(1);
  }
  throw e;
});
