/**
 * A brand: `Brand<number, 'Yen'>` is a number the type system tells apart from every other number, and
 * from every other brand. The symbol exists only for the compiler, so a branded value costs nothing at
 * run time. Each brand is made (cast to) only in the module that checks its invariant, by the functions
 * that check it or by arithmetic that keeps it; `test/domain/brand-casts.test.ts` holds every other module
 * to that.
 */
declare const brand: unique symbol;

export type Brand<Base, Name extends string> = Base & {
  readonly [brand]: Name;
};
