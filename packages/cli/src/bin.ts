#!/usr/bin/env node
// The `tinylm` executable. Exits explicitly: Dawn (WebGPU in Node) keeps handles open.
import { runCli } from './run-cli';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`tinylm: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
