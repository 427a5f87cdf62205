// @tinylm/errors: the one error base of every tinylm package, the error kinds several packages
// share, and options checking against a Standard Schema validator. No dependencies.
export { type ErrorDetails, type ErrorKind, isTinylmError, TinylmError } from './tinylm-error';
export { InvalidArgumentError } from './invalid-argument-error';
export { type OptionIssue, OptionsError } from './options-error';
export { parseOptions } from './parse-options';
export type { SameShape } from './same-shape';
export { showValue } from './show-value';
export type { StandardSchemaV1 } from './standard-schema';
export { MAX_JSON_DEPTH, showPath, tooDeepAt } from './json-depth';
