/** `convert(value)`, or null when the value is null (a nullable column read through its check). */
export const orNull = <T, R>(
  value: T | null,
  convert: (value: T) => R,
): R | null => (value === null ? null : convert(value));
