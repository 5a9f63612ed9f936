import path from 'node:path';
import { z } from 'zod';
import { optionalBooleanFlag, type VariablesOf } from '@shop/platform';
import type { serverVariables } from '../server.settings';

/** The storefront and GraphiQL the router serves besides /graphql. */
export const storefrontVariables = {
  /**
   * The built storefront served at / (`npm run build` makes it; empty: none).
   * @default clients/storefront/dist
   */
  STOREFRONT_DIR: z.string().default(path.resolve(__dirname, '../../../clients/storefront/dist')),
  /**
   * GraphiQL at /graphiql (and for a browser opening /graphql): an explorer,
   * like introspection, development's unless asked for.
   * @default INTROSPECTION's value, else true outside production
   */
  GRAPHIQL: optionalBooleanFlag,
};

export function storefrontSettingsOf(
  variables: VariablesOf<typeof storefrontVariables & typeof serverVariables>,
) {
  return {
    dir: variables.STOREFRONT_DIR || undefined,
    graphiql: variables.GRAPHIQL ?? variables.INTROSPECTION ?? variables.NODE_ENV !== 'production',
  };
}

export type StorefrontSettings = ReturnType<typeof storefrontSettingsOf>;
