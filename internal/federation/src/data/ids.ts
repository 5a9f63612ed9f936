import { BadUserInputError } from '@shop/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a record, so lookups answer null at once. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The value, or BAD_USER_INPUT naming the field when it is not a UUID (for ids a write requires). */
export function uuidOf(value: string, field: string): string {
  if (!isUuid(value)) throw new BadUserInputError(`${field} must be a UUID`, { field });
  return value;
}
