import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError, type Logger } from '@shop/platform';
import { translatePrismaError } from '../data/prisma-errors';

/**
 * What a client may learn from an error: domain errors and GraphQL's own
 * validation errors pass through; Prisma's known errors become their domain
 * meaning; anything else is logged and masked, so no SQL or stack leaves.
 */
export function createErrorFormatter(log: Logger, exposeDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) return formatted;
    const translated = translatePrismaError(original);
    if (translated)
      return { ...formatted, message: translated.message, extensions: translated.extensions };
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;

    log.error({ err: original, path: formatted.path }, 'unexpected error in a resolver');
    if (exposeDetails) return formatted;
    return {
      message: 'Internal server error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
