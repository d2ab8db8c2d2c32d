/**
 * Money is integer yen. JPY has no minor unit, so there is no `/100` anywhere: multiply first,
 * divide once, round once by a named rule.
 */
export type Yen = number & { readonly __brand?: 'Yen' };

export function assertYen(value: number, what = 'amount'): Yen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer number of yen, got ${value}`);
  return value as Yen;
}

export type Rounding = 'floor' | 'ceil' | 'half-up';

/** `numerator / denominator` for non-negative safe integers, rounded once by `rounding`. */
export function divideRounded(numerator: number, denominator: number, rounding: Rounding): Yen {
  if (!Number.isSafeInteger(numerator) || numerator < 0) throw new RangeError(`numerator must be a non-negative safe integer, got ${numerator}`);
  if (!Number.isSafeInteger(denominator) || denominator <= 0) throw new RangeError(`denominator must be a positive safe integer, got ${denominator}`);
  const quotient = Math.floor(numerator / denominator);
  const remainder = numerator - quotient * denominator;
  switch (rounding) {
    case 'floor':
      return quotient;
    case 'ceil':
      return remainder === 0 ? quotient : quotient + 1;
    case 'half-up':
      return remainder * 2 >= denominator ? quotient + 1 : quotient;
  }
}

/** `a × b / c`, checked to stay exact (the product must be a safe integer). */
export function mulDivRounded(a: number, b: number, c: number, rounding: Rounding): Yen {
  const product = a * b;
  if (!Number.isSafeInteger(product)) throw new RangeError(`${a} × ${b} exceeds the safe integer range`);
  return divideRounded(product, c, rounding);
}
