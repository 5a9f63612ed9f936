import { GraphQLError } from 'graphql';

/**
 * The deepest nesting of arrays and objects a request's JSON may have. The
 * contract's operations send at most five levels (the body, `variables`, an
 * input, a Money or address inside it, a list), so 64 leaves room for any
 * input the schema may grow, while staying far below where code that walks a
 * parsed value recursively (JSON.stringify of cache and de-duplication keys,
 * graphql-js's input coercion) runs out of stack: a few thousand levels.
 */
export const MAX_JSON_NESTING = 64;

/** JSON nested too deeply: refused before any work (over HTTP with a 400). */
export class JsonTooDeepError extends GraphQLError {
  constructor(readonly limit: number = MAX_JSON_NESTING) {
    super(`JSON nested deeper than ${limit} levels is not accepted`, {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Follows the nesting of JSON text fed piece by piece, as a body arrives,
 * without parsing it: brackets and braces counted outside strings, in one
 * pass and constant memory. Bytes and UTF-16 code units alike: the
 * characters it looks at are ASCII, which never occur inside a multi-byte
 * UTF-8 sequence. Malformed JSON is left for JSON.parse to refuse.
 */
export class JsonNestingGauge {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private tooDeep = false;

  constructor(readonly limit: number = MAX_JSON_NESTING) {}

  /** Whether the text so far nests deeper than the limit. */
  get exceeded(): boolean {
    return this.tooDeep;
  }

  feed(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string';
    for (let index = 0; index < chunk.length && !this.tooDeep; index++) {
      const code = text ? chunk.charCodeAt(index) : chunk[index]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (code === BACKSLASH) this.escaped = true;
        else if (code === QUOTE) this.inString = false;
      } else if (code === QUOTE) {
        this.inString = true;
      } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
        this.depth += 1;
        this.tooDeep = this.depth > this.limit;
      } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
        this.depth -= 1;
      }
    }
  }
}

/** Whether JSON text nests arrays and objects deeper than `limit`. */
export function jsonTextTooDeep(text: string, limit: number = MAX_JSON_NESTING): boolean {
  const gauge = new JsonNestingGauge(limit);
  gauge.feed(text);
  return gauge.exceeded;
}

/**
 * Whether an already parsed value nests arrays and objects deeper than
 * `limit` (graphql-ws parses its messages before anyone sees them); walked
 * with a stack of its own, never recursively, and no further than the limit.
 */
export function jsonValueTooDeep(value: unknown, limit: number = MAX_JSON_NESTING): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth });
  }
  return false;
}
