// `--vocab-size -1`, `--ids -1,2`: node's parseArgs takes a value starting with `-` for an option
// and refuses it as "ambiguous", so the user never learns what the flag allows. A value that reads
// as a negative number (or -Infinity / -NaN) after an option that takes a value is joined to it
// (`--vocab-size=-1`, `-n-1`), and the flag's own check then names what is allowed.
import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

const NEGATIVE_NUMBER = /^-(?:\.?\d|infinity\b|nan\b)/i;

/** `argv` with every option that takes a value joined to a following negative number. */
export function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const takesValue = (name: string) => Object.hasOwn(options, name) && options[name].type === 'string';
  const shortName = (letter: string) => Object.keys(options).find((name) => options[name].short === letter);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i)); // everything after `--` is positional
      break;
    }
    const next = argv[i + 1];
    if (next !== undefined && NEGATIVE_NUMBER.test(next)) {
      if (/^--[^=]+$/.test(arg) && takesValue(arg.slice(2))) {
        out.push(`${arg}=${next}`);
        i++;
        continue;
      }
      const short = /^-([^-])$/.exec(arg)?.[1];
      const long = short === undefined ? undefined : shortName(short);
      if (long !== undefined && takesValue(long)) {
        out.push(`${arg}${next}`);
        i++;
        continue;
      }
    }
    out.push(arg);
  }
  return out;
}
