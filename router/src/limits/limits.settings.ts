import { z } from 'zod';
import type { VariablesOf } from '@shop/platform';
import type { OperationLimitSettings } from './operation-limits';

/** 0 turns a limit off. */
const limit = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** What one request may be: its body, and its operation's size and estimated cost. */
export const limitVariables = {
  /**
   * The largest request body read; a larger one is refused with 413.
   * @default 1000000
   */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  /**
   * The deepest field nesting of an operation (MAX_DEPTH_EXCEEDED; 0: no limit).
   * @default 15
   */
  MAX_DEPTH: limit(15),
  /**
   * Aliases in an operation (MAX_ALIASES_EXCEEDED; 0: no limit).
   * @default 30
   */
  MAX_ALIASES: limit(30),
  /**
   * Fields at an operation's root (MAX_ROOT_FIELDS_EXCEEDED; 0: no limit).
   * @default 20
   */
  MAX_ROOT_FIELDS: limit(20),
  /**
   * Field selections, fragments expanded (MAX_SELECTIONS_EXCEEDED; 0: no limit).
   * @default 1000
   */
  MAX_SELECTIONS: limit(1_000),
  /**
   * Tokens a document may have; parsing stops past them (0: no limit).
   * @default 5000
   */
  MAX_TOKENS: limit(5_000),
  /**
   * The estimated cost from the supergraph's @cost and @listSize
   * (COST_LIMIT_EXCEEDED; 0: no limit).
   * @default 10000
   */
  MAX_COST: limit(10_000),
  /**
   * The length the cost assumes for a list with neither @listSize nor a slicing argument.
   * @default 10
   */
  DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).default(10),
  /**
   * A manifest of persisted operations (scripts/persisted-operations.mjs
   * writes it): only its operations run.
   * @default unset: any operation within the limits runs
   */
  SAFELIST_PATH: z.string().optional(),
};

export function limitSettingsOf(variables: VariablesOf<typeof limitVariables>) {
  const operations: OperationLimitSettings = {
    maxDepth: variables.MAX_DEPTH,
    maxAliases: variables.MAX_ALIASES,
    maxRootFields: variables.MAX_ROOT_FIELDS,
    maxSelections: variables.MAX_SELECTIONS,
    maxTokens: variables.MAX_TOKENS,
    maxCost: variables.MAX_COST,
    defaultListSize: variables.DEFAULT_LIST_SIZE,
  };
  return {
    ...operations,
    maxBodyBytes: variables.MAX_BODY_BYTES,
    safelistPath: variables.SAFELIST_PATH,
  };
}
