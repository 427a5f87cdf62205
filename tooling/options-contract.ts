// The shared test of every package's options checking (packages/*/src/options.test.ts): for each
// public entry point that takes an options object, valid options still work, and a misspelled key
// (named with the key meant and the allowed ones), a value of the wrong type and a missing required
// key are each refused with an OptionsError naming the key.
import { OptionsError } from '@tinylm/errors';
import { describe, expect, it } from 'vitest';

/** One entry point under test. */
export interface OptionsEntry {
  /** The name the error is reported under (`train`, `LlamaModel.create`). */
  name: string;
  /** Calls the entry point with `options` (sync or async). */
  call: (options: never) => unknown;
  /** Options that work (a function when each call needs fresh ones, such as a new output folder). */
  valid: Record<string, unknown> | (() => Record<string, unknown>);
  /** A misspelled key, and the key it should be taken for. */
  nearMiss: [typo: string, meant: string];
  /** A key given a value of the wrong type. */
  wrongType: [key: string, value: unknown];
  /** A key that is required (present in `valid`; left out to test the refusal). */
  required?: string;
  /**
   * What "valid options still work" means: `resolves` (default) the call succeeds; `checked` the
   * options pass the check, and a later error (a missing input file) is not an OptionsError;
   * `skip` only the refusals run (the call needs a device the tests lack).
   */
  validCall?: 'resolves' | 'checked' | 'skip';
}

async function outcome(entry: OptionsEntry, options: Record<string, unknown>): Promise<unknown> {
  try {
    await entry.call(options as never);
    return undefined;
  } catch (e) {
    return e;
  }
}

/** The OptionsError `entry` throws for `options`; fails the test when it throws none. */
export async function optionsRefusal(entry: OptionsEntry, options: Record<string, unknown>): Promise<OptionsError> {
  const e = await outcome(entry, options);
  if (OptionsError.isInstance(e)) return e;
  throw new Error(`${entry.name} did not refuse ${Object.keys(options).join(', ')} with an OptionsError: ${String(e)}`);
}

/** The options of `entry` that work. */
export const validOptions = (entry: OptionsEntry) => (typeof entry.valid === 'function' ? entry.valid() : entry.valid);

/** Registers the options tests of every entry. */
export function describeOptionsContract(entries: readonly OptionsEntry[]): void {
  describe.each(entries)('$name options', (entry) => {
    const mode = entry.validCall ?? 'resolves';
    it.runIf(mode !== 'skip')('accepts valid options', async () => {
      const e = await outcome(entry, validOptions(entry));
      if (mode === 'resolves') expect(e).toBeUndefined();
      else expect(OptionsError.isInstance(e)).toBe(false);
    });

    it('refuses a misspelled key, naming the one meant and the allowed ones', async () => {
      const [typo, meant] = entry.nearMiss;
      const e = await optionsRefusal(entry, { ...validOptions(entry), [typo]: 1 });
      expect(e.message).toContain(`${entry.name}: ${typo}: unknown option (did you mean ${meant}?); allowed: `);
    });

    it('refuses a value of the wrong type, naming the key', async () => {
      const [key, value] = entry.wrongType;
      const e = await optionsRefusal(entry, { ...validOptions(entry), [key]: value });
      expect(e.issues.map((i) => i.path)).toEqual([key]);
      expect(e.message).toContain(`${entry.name}: ${key}: `);
    });

    it.runIf(entry.required !== undefined)('refuses a missing required key, naming it', async () => {
      const { [entry.required as string]: _left, ...rest } = validOptions(entry);
      expect((await optionsRefusal(entry, rest)).issues.map((i) => i.path)).toEqual([entry.required]);
    });
  });
}
