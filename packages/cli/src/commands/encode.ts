// `tinylm encode`: the ids a tokenizer gives a text, as JSON (no BOS/EOS added), through
// @tinylm/tokenizer-prune's loadTokenizer (tokenizer.json, SentencePiece .model, or a folder).
import { loadTokenizer } from '@tinylm/tokenizer-prune';
import { parseFlags, UsageError } from '../args';
import type { CliIo } from '../io';
import type { Command } from './command';

const USAGE = 'tinylm encode --tokenizer PATH --text TEXT [--tokens]';

export const encodeCommand: Command = {
  name: 'encode',
  summary: 'print the token ids of a text as JSON (--tokens: the token strings too)',
  usage: USAGE,
  async run(argv: string[], io: CliIo) {
    const { values } = parseFlags(argv, { tokenizer: { type: 'string' }, text: { type: 'string' }, tokens: { type: 'boolean' } }, USAGE);
    if (!values.tokenizer) throw new UsageError(`--tokenizer is required\nusage: ${USAGE}`);
    if (values.text === undefined) throw new UsageError(`--text is required\nusage: ${USAGE}`);
    const tokenizer = await loadTokenizer(values.tokenizer as string);
    const ids = tokenizer.encode(values.text as string);
    io.out(JSON.stringify(values.tokens ? { ids, tokens: ids.map((id) => tokenizer.idToToken(id)) } : ids));
    return 0;
  },
};
