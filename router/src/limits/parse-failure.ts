import { LimitCode } from './limit-errors';

/**
 * graphql-js's message when parse(…, { maxTokens }) gives up; it carries no
 * code of its own. 16.x spells it "more that"; a fix may spell it "more than".
 */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more th(?:at|an) \d+ tokens/;

/** The code of a parse failure: the token limit's own, or GraphQL's usual one. */
export function parseFailureCode(message: string): string {
  return TOO_MANY_TOKENS.test(message) ? LimitCode.MAX_TOKENS_EXCEEDED : 'GRAPHQL_PARSE_FAILED';
}
