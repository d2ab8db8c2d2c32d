/**
 * Money is integer yen. JPY has no minor unit, so there is no `/100` anywhere: multiply first,
 * divide once, round once by a named rule.
 */
import type { Brand } from './brand';

/** A safe integer of yen. Made only here: by `yen`, which checks, and by the arithmetic below. */
export type Yen = Brand<number, 'Yen'>;

/** An amount of yen, checked: a safe integer (a stored amount, a figure from outside), else RangeError. */
export function yen(amount: number): Yen {
  if (!Number.isSafeInteger(amount))
    throw new RangeError(`an amount of yen is a safe integer, got ${amount}`);
  return amount as Yen;
}

export const ZERO_YEN = yen(0);

/** `a + b`, checked to stay a safe integer. */
export const addYen = (a: Yen, b: Yen): Yen => yen(a + b);

/** The sum of the amounts, checked to stay a safe integer at every step. */
export function sumYen(amounts: Iterable<Yen>): Yen {
  let sum = ZERO_YEN;
  for (const amount of amounts) sum = addYen(sum, amount);
  return sum;
}

export type Rounding = 'floor' | 'ceil' | 'half-up';

/** `numerator / denominator` for non-negative safe integers, rounded once by `rounding`. */
export function divideRounded(
  numerator: number,
  denominator: number,
  rounding: Rounding,
): Yen {
  if (!Number.isSafeInteger(numerator) || numerator < 0)
    throw new RangeError(
      `numerator must be a non-negative safe integer, got ${numerator}`,
    );
  if (!Number.isSafeInteger(denominator) || denominator <= 0)
    throw new RangeError(
      `denominator must be a positive safe integer, got ${denominator}`,
    );
  const quotient = Math.floor(numerator / denominator);
  const remainder = numerator - quotient * denominator;
  // A quotient of safe integers, plus at most one, is a safe integer: yen without a check.
  switch (rounding) {
    case 'floor':
      return quotient as Yen;
    case 'ceil':
      return (remainder === 0 ? quotient : quotient + 1) as Yen;
    case 'half-up':
      return (remainder * 2 >= denominator ? quotient + 1 : quotient) as Yen;
  }
}

/** `a × b / c` for non-negative safe integers, exact even when the product passes 2^53 (then in BigInt). */
export function mulDivRounded(
  a: number,
  b: number,
  c: number,
  rounding: Rounding,
): Yen {
  const product = a * b;
  if (Number.isSafeInteger(product)) return divideRounded(product, c, rounding);
  for (const [name, value] of [
    ['a', a],
    ['b', b],
    ['c', c],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(
        `${name} must be a non-negative safe integer, got ${value}`,
      );
  }
  if (c === 0) throw new RangeError('denominator must be positive');
  const exact = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  const quotient = exact / divisor;
  const remainder = exact % divisor;
  const rounded =
    rounding === 'floor' || remainder === 0n
      ? quotient
      : rounding === 'ceil'
        ? quotient + 1n
        : remainder * 2n >= divisor
          ? quotient + 1n
          : quotient;
  const result = Number(rounded);
  if (!Number.isSafeInteger(result))
    throw new RangeError(
      `${a} × ${b} / ${c} exceeds the safe integer range of yen`,
    );
  return result as Yen;
}

/** A rate (0.1) as the whole percent it is (10); null when it is not a whole percent from 0 to 100. */
export function wholePercentOf(rate: number): number | null {
  const percent = Math.round(rate * 100);
  return percent >= 0 && percent <= 100 && percent / 100 === rate
    ? percent
    : null;
}
