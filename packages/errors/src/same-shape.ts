// A compile-time check that an options schema and the TypeScript type a function declares for
// its options describe the same thing, so the two cannot drift apart:
//   true satisfies SameShape<z.input<typeof trainOptions>, TrainOptions>;
// fails to compile when a key is missing on either side or a value type differs.

/** `true` when `A` and `B` are assignable to each other and have the same keys, else `false`. */
export type SameShape<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;
