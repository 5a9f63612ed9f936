import { passesLuhn } from '@shop/platform';
/**
 * What counts as card data in stored or logged text. Only kinds are ever
 * reported, never the text that matched: a report of a leak must not leak.
 */

/** The numbers the tests type; found in any form (spaces, dashes), anywhere in a text. */
export const TEST_CARD_NUMBERS = ['4242424242424242', '4000000000000002', '4000000000009995'];

/**
 * Every CVC a test sends. test/card-data-scan.int.test.ts greps the tests and
 * fails when one is missing here, so the list cannot fall behind.
 */
export const TEST_CVCS = ['123', '1234', '4178', '592', '731', '864', '999'];

export type CardDataKind =
  | 'test card number'
  | 'Luhn-valid card number'
  | 'CVC under a card-security-code key'
  | 'test CVC as a quoted string';

/** Names a CVC goes by as a column or a key (compared lower-cased, without _ and -). */
const CVC_NAMES = new Set([
  'cvc',
  'cvv',
  'cvc2',
  'cvv2',
  'csc',
  'securitycode',
  'cardsecuritycode',
]);
/** What pino's redaction writes instead of a value: a key holding it holds nothing. */
const REDACTED = '[redacted]';

const testCardPatterns = TEST_CARD_NUMBERS.map(
  (number) => new RegExp(number.split('').join('[ -]?')),
);

/**
 * Digit groups joined by single spaces or dashes, not touching a letter,
 * digit or underscore: hex tokens, hashes and UUIDs hold digit runs too, but
 * always glued to letters or in groups no card is printed in.
 */
const DIGIT_GROUPS = /(?<!\w)\d+(?:[ -]\d+)*(?!\w)/g;

/** A key (quoted or not) with a quoted or numeric value; isCvcName picks the CVC ones. */
const CVC_KEY = /(?<![\w-])"?([a-z][\w-]*)"?\s*[:=]\s*(?:"([^"]*)"|(\d+))/gi;

const testCvcStrings = new Set(TEST_CVCS.map((cvc) => `"${cvc}"`));
const QUOTED_DIGITS = /"\d{3,4}"/g;

export function isCvcName(name: string): boolean {
  return CVC_NAMES.has(name.toLowerCase().replace(/[_-]/g, ''));
}

/** A value a CVC column or key holds: anything but nothing, blanks and the redaction marker. */
export function holdsValue(value: string | null | undefined): boolean {
  return value != null && value.trim() !== '' && value !== REDACTED;
}

/** The kinds of card data in one text (a cell cast to text, a log line), each once. */
export function cardDataIn(text: string): CardDataKind[] {
  const kinds = new Set<CardDataKind>();
  if (testCardPatterns.some((pattern) => pattern.test(text))) kinds.add('test card number');
  if (hasLuhnCardNumber(text)) kinds.add('Luhn-valid card number');
  // JSON kept inside a JSON string ({"body":"{\"cvc\":\"123\"}"}) reads like JSON once unescaped.
  const unescaped = text.includes('\\"') ? text.replace(/\\+"/g, '"') : text;
  for (const [, key, quoted, number] of unescaped.matchAll(CVC_KEY)) {
    if (isCvcName(key!) && holdsValue(quoted ?? number)) {
      kinds.add('CVC under a card-security-code key');
      break;
    }
  }
  if ([...unescaped.matchAll(QUOTED_DIGITS)].some(([quoted]) => testCvcStrings.has(quoted))) {
    kinds.add('test CVC as a quoted string');
  }
  return [...kinds];
}

/**
 * A 13–19 digit number that passes Luhn and starts like a payment card
 * (major industry identifier 2–6: every network the payments subgraph knows,
 * every test card): written plainly, or in groups of 3–6 digits as cards are
 * printed (4-4-4-4, 4-6-5). Epoch-millisecond timestamps (13 digits from 1)
 * and stream ids are left out by the first digit, not by chance.
 */
function hasLuhnCardNumber(text: string): boolean {
  for (const [candidate] of text.matchAll(DIGIT_GROUPS)) {
    const groups = candidate.split(/[ -]/);
    for (let first = 0; first < groups.length; first += 1) {
      let digits = groups[first]!;
      if (digits.length >= 13 && digits.length <= 19 && looksLikeCard(digits)) return true;
      if (!isCardGroup(digits)) continue;
      for (const group of groups.slice(first + 1)) {
        if (!isCardGroup(group)) break;
        digits += group;
        if (digits.length > 19) break;
        if (digits.length >= 13 && looksLikeCard(digits)) return true;
      }
    }
  }
  return false;
}

/** How long the groups of a printed card are (4-4-4-4, 4-6-5, 4-6-4). */
function isCardGroup(group: string): boolean {
  return group.length >= 3 && group.length <= 6;
}

function looksLikeCard(digits: string): boolean {
  return digits[0]! >= '2' && digits[0]! <= '6' && passesLuhn(digits);
}
