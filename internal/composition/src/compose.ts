import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export interface SubgraphSdl {
  name: string;
  url: string;
  sdl: string;
}

/**
 * Composition hints we have read and accept; any other hint fails
 * composition, so a new one is a decision rather than noise.
 * Keys are hint codes, values say why they are fine.
 */
export const ACCEPTED_HINTS: Record<string, string> = {};

export class CompositionFailedError extends Error {
  constructor(readonly problems: string[]) {
    super(`Supergraph composition failed:\n  ${problems.join('\n  ')}`);
    this.name = 'CompositionFailedError';
  }
}

type CompositionHint = NonNullable<ReturnType<typeof composeServices>['hints']>[number];

export interface CompositionResult {
  supergraphSdl: string;
  hints: CompositionHint[];
}

/** Composes subgraph SDLs into a supergraph SDL with @apollo/composition. */
export function composeSupergraph(subgraphs: SubgraphSdl[]): CompositionResult {
  const result = composeServices(
    subgraphs.map((subgraph) => ({
      name: subgraph.name,
      url: subgraph.url,
      typeDefs: parse(subgraph.sdl),
    })),
  );
  if (result.errors) {
    throw new CompositionFailedError(result.errors.map((error) => error.message));
  }
  const unexpected = result.hints.filter((hint) => !(hint.definition.code in ACCEPTED_HINTS));
  if (unexpected.length > 0) {
    throw new CompositionFailedError(
      unexpected.map(
        (hint) =>
          `hint ${hint.definition.code}: ${hint.message} (accept it in ACCEPTED_HINTS with a reason, or fix it)`,
      ),
    );
  }
  return { supergraphSdl: result.supergraphSdl, hints: result.hints };
}
