import { createHash } from 'node:crypto';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import {
  operationFromDocument,
  Supergraph,
  type Operation,
  type Schema,
} from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan, type QueryPlannerConfig } from '@apollo/query-planner';
import { entityKeysOf, type EntityKeys } from './entity-keys';
import { requirementIndexOf, type RequirementIndex } from './requirement-arguments';

/**
 * @defer is planned (as Defer nodes) and validated: the planner's
 * configuration, which the gateway is built with too, and the API schema
 * clients validate against (`includeDefer`) go together.
 */
export const PLANNER_CONFIG: QueryPlannerConfig = { incrementalDelivery: { enableDefer: true } };

/**
 * One supergraph as the router's executors see it: its schemas and the one
 * query planner the query executor and the subscription executor share
 * (building a planner is the costliest step of a start).
 */
export class SupergraphPlanner {
  /** The API schema as graphql-js sees it, with @defer: what clients validate against. */
  readonly schema: GraphQLSchema;
  readonly apiSchema: Schema;
  readonly supergraphSchema: GraphQLSchema;
  /** Changes whenever the supergraph does, so cached plans of another supergraph never apply. */
  readonly schemaHash: string;
  /** What `@requires` reads with arguments, which operations are kept apart from. */
  readonly requirements: RequirementIndex;
  /** Every subgraph's entity keys, which plans are checked against. */
  readonly entityKeys: EntityKeys;
  private readonly planner: QueryPlanner;

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema({
      includeDefer: PLANNER_CONFIG.incrementalDelivery?.enableDefer,
    });
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.schemaHash = createHash('sha256').update(supergraphSdl).digest('hex');
    this.requirements = requirementIndexOf(supergraphSdl, this.schema);
    this.entityKeys = entityKeysOf(supergraphSdl);
    this.planner = new QueryPlanner(supergraph, PLANNER_CONFIG);
  }

  /** The operation of a validated document, in the planner's terms. */
  operation(document: DocumentNode, operationName: string | undefined): Operation {
    return operationFromDocument(this.apiSchema, document, { operationName });
  }

  plan(operation: Operation): QueryPlan {
    return this.planner.buildQueryPlan(operation);
  }
}
