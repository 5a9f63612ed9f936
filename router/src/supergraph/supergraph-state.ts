import type { GraphQLSchema } from 'graphql';
import type { ServiceMap } from '@apollo/gateway';
import type { Logger } from '@shop/platform';
import { readSupergraphAuthRequirements } from '../auth/supergraph-auth-requirements';
import type { AuthRequirements } from '../auth/requirements';
import type { SubgraphHttpClient } from '../datasources/http-client';
import type { QueryPlanExecutor } from '../execution/query-plan-executor';
import type { SupergraphPlanner } from '../execution/supergraph-planner';
import { createGateway, type GatewayOptions } from '../gateway';
import {
  createOperationLimits,
  type OperationLimits,
  type OperationLimitSettings,
} from '../limits/operation-limits';
import { internOneByteNames } from './one-byte-names';
import type { SupergraphSubgraph } from './subgraphs';

/**
 * Everything the router derives from one supergraph, built at once and never
 * changed: a request runs on the state it started on from beginning to end,
 * whatever replaces it meanwhile.
 */
export interface SupergraphState {
  /** sha256 of the supergraph as the planner reads it: plans are keyed by it. */
  hash: string;
  /** The supergraph as it was given. */
  supergraphSdl: string;
  /** What Apollo Server validates operations against (the gateway's API schema). */
  schema: GraphQLSchema;
  planner: SupergraphPlanner;
  executor: QueryPlanExecutor;
  /** Every subgraph with the URL the router really calls. */
  subgraphs: SupergraphSubgraph[];
  sources: ServiceMap;
  requirements: AuthRequirements;
  limits: OperationLimits;
  /** Ends the gateway's schema loading once nothing new starts on this state. */
  retire(): Promise<void>;
}

/** What every state is built with: the router's configuration and its long-lived parts. */
export interface SupergraphStateDependencies {
  http: SubgraphHttpClient;
  /** SUBGRAPH_URL_<NAME> overrides, keyed by upper-cased subgraph name. */
  subgraphUrls: Record<string, string>;
  identitySecret: string;
  limits: OperationLimitSettings;
  gateway: GatewayOptions;
  log: Logger;
}

/** A supergraph the router will not serve, and why. */
export class SupergraphRejectedError extends Error {
  override readonly name = 'SupergraphRejectedError';

  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The supergraph was refused: ${reason}`, options);
  }
}

/**
 * Builds the state of a supergraph, or refuses it: it must parse, every
 * subgraph must have a URL, the gateway must load it and the planner build
 * on it, and the auth requirements and the cost directives must read from
 * it. The start and every reload go through here, so a supergraph the
 * router would not start on is never swapped in either.
 */
export async function buildSupergraphState(
  supergraphSdl: string,
  dependencies: SupergraphStateDependencies,
): Promise<SupergraphState> {
  try {
    internOneByteNames(supergraphSdl);
    const { gatewaySdl, requirements } = readSupergraphAuthRequirements(supergraphSdl);
    const limits = createOperationLimits(dependencies.limits, supergraphSdl);
    const setup = createGateway(
      gatewaySdl,
      dependencies.http,
      dependencies.subgraphUrls,
      dependencies.identitySecret,
      dependencies.log,
      dependencies.gateway,
    );
    const schema = await setup.loadSchema();
    return {
      hash: setup.planner.schemaHash,
      supergraphSdl,
      schema,
      planner: setup.planner,
      executor: setup.executor,
      subgraphs: setup.subgraphs,
      sources: setup.sources,
      requirements,
      limits,
      retire: setup.stop,
    };
  } catch (error) {
    throw new SupergraphRejectedError(reasonOf(error), { cause: error });
  }
}

function reasonOf(error: unknown): string {
  // Composition and validation errors list several causes; the first names what to fix.
  const causes = (error as { causes?: { message?: string }[] } | null)?.causes;
  const first = Array.isArray(causes) ? causes[0]?.message : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return first && !message.includes(first) ? `${message}: ${first}` : message;
}
