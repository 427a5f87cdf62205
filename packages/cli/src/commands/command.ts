// The shape of a subcommand: each is a thin wrapper over a package function.
import type { CliIo } from '../io';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** What the less obvious flags mean, printed by `tinylm <command> --help` after the summary. */
  details?: string;
  /** Returns the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}
