import { TinylmError } from './tinylm-error';

/** One problem with an options object: where (`rounds[1].sampleRate`) and what. */
export interface OptionIssue {
  /** The key path inside the options, `''` for the object itself. */
  path: string;
  message: string;
}

/**
 * An options object passed to a public function has unknown keys, values of the wrong type or
 * range, or lacks a required key. `issues` lists every problem; the message states them all,
 * each with the key's path, and for an unknown key the keys that are allowed there.
 */
export class OptionsError extends TinylmError {
  static override readonly kind: string = 'OptionsError';
  /** The function whose options were refused, e.g. `train`. */
  readonly where: string;
  readonly issues: readonly OptionIssue[];

  constructor(where: string, issues: readonly OptionIssue[]) {
    const lines = issues.map((i) => (i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`));
    super(lines.length === 1 ? lines[0] : `${issues.length} problems with the options:\n  ${lines.join('\n  ')}`, {
      field: issues[0]?.path ? `${where}.${issues[0].path}` : where,
    });
    this.where = where;
    this.issues = issues;
  }
}
