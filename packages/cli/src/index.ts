// @tinylm/cli: the `tinylm` command; also importable to run commands from a script or a test.
export { runCli } from './run-cli';
export { COMMANDS } from './commands/registry';
export type { Command } from './commands/command';
export type { CliIo } from './io';
export { listBackends } from './commands/backends';
export type { BackendsResult } from './commands/backends';
export { torchReferenceScript } from './commands/torch-reference';
