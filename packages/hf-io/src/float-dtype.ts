// The one vocabulary of floating-point weight dtypes across tinylm: every API option and CLI
// flag that picks a weight dtype (HF writers, GGUF export, memory estimates, `--dtype`) accepts
// the long torch names (`float32`) and the short ggml / numpy ones (`f32`) alike, and maps them
// here to one canonical name and to the safetensors header name.
import { InvalidArgumentError } from '@tinylm/errors';
import { z } from 'zod';
import type { Dtype } from './dtype';
import { showValue } from '@tinylm/errors';

/** A floating-point weight dtype under its canonical (torch / transformers) name. */
export type FloatDtype = 'float32' | 'float16' | 'bfloat16';

/** Each accepted spelling and the canonical name it stands for. */
export const FLOAT_DTYPE_SPELLINGS = Object.freeze({
  float32: 'float32',
  f32: 'float32',
  float16: 'float16',
  f16: 'float16',
  bfloat16: 'bfloat16',
  bf16: 'bfloat16',
} as const satisfies Record<string, FloatDtype>);

/** Any accepted spelling of a floating-point weight dtype: `float32` / `f32`, `float16` / `f16`, `bfloat16` / `bf16`. */
export type FloatDtypeName = keyof typeof FLOAT_DTYPE_SPELLINGS;

/** The spellings of the dtypes `D`: `FloatDtypeSpelling<'float16'>` is `'float16' | 'f16'`. */
export type FloatDtypeSpelling<D extends FloatDtype = FloatDtype> = {
  [K in FloatDtypeName]: (typeof FLOAT_DTYPE_SPELLINGS)[K] extends D ? K : never;
}[FloatDtypeName];

/** The safetensors header name of each canonical dtype. */
export const SAFETENSORS_FLOAT_DTYPES: Readonly<Record<FloatDtype, Dtype>> = Object.freeze({
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
});

/** The spellings accepted for `dtypes` (default all three dtypes), for messages: `float32 (f32), float16 (f16)`. */
export function floatDtypeNames(dtypes: readonly FloatDtype[] = ['float32', 'float16', 'bfloat16']): string {
  const short = (d: FloatDtype) =>
    Object.keys(FLOAT_DTYPE_SPELLINGS).find((s) => s !== d && FLOAT_DTYPE_SPELLINGS[s as FloatDtypeName] === d);
  return dtypes.map((d) => `${d} (${short(d)})`).join(', ');
}

/**
 * The canonical name of a dtype spelling, or an InvalidArgumentError naming `field` and the
 * spellings allowed; `dtypes` narrows what the caller supports (GGUF export has no bfloat16).
 */
export function normalizeFloatDtype<D extends FloatDtype = FloatDtype>(value: unknown, field = 'dtype', dtypes?: readonly D[]): D {
  const canonical =
    typeof value === 'string' && Object.hasOwn(FLOAT_DTYPE_SPELLINGS, value) ? FLOAT_DTYPE_SPELLINGS[value as FloatDtypeName] : undefined;
  if (canonical === undefined || (dtypes !== undefined && !dtypes.includes(canonical as D))) {
    throw new InvalidArgumentError({ field, value, allowed: floatDtypeNames(dtypes) });
  }
  return canonical as D;
}

/**
 * The options-schema entry for a weight dtype: accepts the spellings of `dtypes` and gives the
 * canonical name, e.g. `dtype: floatDtypeOption().optional()`.
 */
export function floatDtypeOption<D extends FloatDtype = FloatDtype>(dtypes?: readonly D[]) {
  const spellings = Object.keys(FLOAT_DTYPE_SPELLINGS).filter(
    (s) => !dtypes || dtypes.includes(FLOAT_DTYPE_SPELLINGS[s as FloatDtypeName] as D),
  );
  return z
    .enum(spellings as [FloatDtypeSpelling<D>, ...FloatDtypeSpelling<D>[]], {
      error: (issue) => `expected a dtype, one of ${floatDtypeNames(dtypes)} (got ${showValue(issue.input)})`,
    })
    .transform((name) => FLOAT_DTYPE_SPELLINGS[name] as unknown as D);
}
