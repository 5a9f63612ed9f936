import { BadUserInputError } from '../errors';

/** Length in characters as a person counts them (code points), not UTF-16 units. */
export function characterCount(value: string): number {
  return [...value].length;
}

/** The value trimmed, or BAD_USER_INPUT naming the field when its length is outside min..max. */
export function trimmedText(value: string, field: string, min: number, max: number): string {
  const text = value.trim();
  const length = characterCount(text);
  if (length < min || length > max) {
    throw new BadUserInputError(
      min > 0
        ? `${field} must be ${min} to ${max} characters long`
        : `${field} must be at most ${max} characters long`,
      { field },
    );
  }
  return text;
}
