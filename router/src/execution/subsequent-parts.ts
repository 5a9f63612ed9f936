import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { SubsequentPayload } from './incremental-delivery';

export type ErrorFormatter = (
  formatted: GraphQLFormattedError,
  error: unknown,
) => GraphQLFormattedError;

/**
 * The deferred parts as the JSON texts the HTTP layer sends, their errors
 * formatted as Apollo Server formats those of the initial part (a code
 * always, then the router's formatter), which it never sees. Errors a plugin
 * added are formatted already and go as they are.
 */
export async function* subsequentParts(
  payloads: AsyncIterable<SubsequentPayload>,
  formatError: ErrorFormatter,
): AsyncIterable<string> {
  const format = (error: GraphQLError | GraphQLFormattedError): GraphQLFormattedError => {
    if (!(error instanceof GraphQLError)) return error;
    const { extensions, ...rest } = error.toJSON();
    const formatted = {
      ...rest,
      extensions: { ...extensions, code: extensions?.code ?? 'INTERNAL_SERVER_ERROR' },
    };
    return formatError(formatted, error);
  };
  for await (const payload of payloads) {
    yield JSON.stringify(
      payload.incremental
        ? {
            ...payload,
            incremental: payload.incremental.map((result) =>
              result.errors ? { ...result, errors: result.errors.map(format) } : result,
            ),
          }
        : payload,
    );
  }
}
