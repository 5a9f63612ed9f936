import { isUuid } from '@shop/federation';
import { BadUserInputError } from '@shop/platform';

/** The value, or BAD_USER_INPUT naming the field when it is not an integer in min..max. */
export function integerIn(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(`${field} must be an integer from ${min} to ${max}`, { field });
  }
  return value;
}

/** The value, or BAD_USER_INPUT naming the field when it is not a UUID (every id here is one). */
export function uuidOf(value: string, field: string): string {
  if (!isUuid(value)) throw new BadUserInputError(`${field} must be a UUID`, { field });
  return value;
}
