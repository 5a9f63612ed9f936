import { BadUserInputError } from '../errors';

/** A whole number from min to max, or BAD_USER_INPUT naming the field. */
export function integerIn(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(`${field} must be an integer from ${min} to ${max}`, { field });
  }
  return value;
}
