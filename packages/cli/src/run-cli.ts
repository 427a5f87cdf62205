// Dispatches `tinylm <subcommand> ...`; errors become one clear line on stderr and exit code 1
// (2 for usage errors), never a stack trace for expected failures.
import { TinylmError } from '@tinylm/kernels';
import { UsageError } from './args';
import { COMMANDS } from './commands/registry';
import { type CliIo, processIo } from './io';
import { describeOutOfMemory, describeSystemError } from './system-errors';
import { showValue } from '@tinylm/errors';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: tinylm <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `tinylm <command> --help` for the options of one command.',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`tinylm: unknown command ${showValue(name)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${command.usage}\n\n${command.summary}${command.details ? `\n\n${command.details}` : ''}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`tinylm ${name}: ${e.message}`);
      return 2;
    }
    if (TinylmError.isInstance(e)) {
      io.err(`tinylm ${name}: ${e.message}`);
      return 1;
    }
    const system = describeSystemError(e) ?? describeOutOfMemory(e);
    if (system) {
      io.err(`tinylm ${name}: ${system}`);
      return 1;
    }
    throw e;
  }
}
