#!/usr/bin/env node
// The `tinylm` executable. Exits explicitly (Dawn, WebGPU in Node, keeps handles open), but only
// once stdout and stderr have flushed: a piped `--json` result can be megabytes.
import { runCli } from './run-cli';

function flushThenExit(code: number): void {
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

runCli(process.argv.slice(2)).then(flushThenExit, (e) => {
  process.stderr.write(`tinylm: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  flushThenExit(1);
});
