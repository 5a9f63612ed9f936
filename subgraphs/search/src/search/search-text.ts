import { BadUserInputError } from '@shop/platform';

/**
 * Longer than any product name or search a person types: text beyond it is
 * refused before it reaches the full-text parser or a LIKE pattern, where its
 * cost grows with its length.
 */
export const MAX_SEARCH_TEXT_LENGTH = 200;

/** The text of a search argument, trimmed; refused when empty or too long. */
export function searchText(raw: string, argument: string): string {
  const text = raw.trim();
  if (text === '') throw new BadUserInputError(`${argument} must not be empty`, { argument });
  if (text.length > MAX_SEARCH_TEXT_LENGTH) {
    throw new BadUserInputError(
      `${argument} must be at most ${MAX_SEARCH_TEXT_LENGTH} characters`,
      { argument },
    );
  }
  return text;
}
