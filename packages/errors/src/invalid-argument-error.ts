import { type ErrorDetails, TinylmError } from './tinylm-error';
import { showValue } from './show-value';

/**
 * An argument or option is out of range or malformed (a row range, a search budget, a dtype name).
 * The message is `<field> = <value> is invalid[: reason]; allowed: <allowed>`.
 */
export class InvalidArgumentError extends TinylmError {
  static override readonly kind: string = 'InvalidArgumentError';
  declare readonly field: string;

  constructor(args: { field: string; value: unknown; allowed: string; reason?: string; file?: string; cause?: unknown }) {
    const where = args.file ? `${args.file}: ` : '';
    const reason = args.reason ? `: ${args.reason}` : '';
    super(`${where}${args.field} = ${showValue(args.value)} is invalid${reason}; allowed: ${args.allowed}`, args satisfies ErrorDetails);
  }
}
