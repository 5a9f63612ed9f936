import type { GraphQLFormattedError } from 'graphql';
import type { SubsequentPayload } from '../execution/incremental-delivery';
import type { ResultObject } from '../execution/result-tree';
import { answerRefusals, type Authorization } from './authorize-operation';

/**
 * The deferred parts of an operation with refused fields answered as the
 * initial part's are: each placeholder null, and the errors of its refusals
 * in the part where it appears, once.
 */
export async function* answerDeferredRefusals(
  payloads: AsyncIterable<SubsequentPayload>,
  authorization: Authorization,
): AsyncIterable<SubsequentPayload> {
  const reported = new Set<string>();
  for await (const payload of payloads) {
    if (!payload.incremental) {
      yield payload;
      continue;
    }
    const incremental = payload.incremental.map((result) => {
      const refusals: GraphQLFormattedError[] = [];
      const data = answerRefusals(result.data, authorization.placeholders, (alias) => {
        if (reported.has(alias)) return;
        reported.add(alias);
        refusals.push(...(authorization.deferredErrors.get(alias) ?? []));
      }) as ResultObject | null;
      if (refusals.length === 0) return { ...result, data };
      return { ...result, data, errors: [...refusals, ...(result.errors ?? [])] };
    });
    yield { ...payload, incremental };
  }
}
