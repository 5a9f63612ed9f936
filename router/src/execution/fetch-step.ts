import type { GraphQLFormattedError } from 'graphql';
import type { FetchNode } from '@apollo/query-planner';
import type { CachePolicy, FetchCache, SubgraphFetch } from './caches';
import { cacheHintOf, cachePolicyOf, isCacheable } from './cache-control';
import { compileRewrites } from './data-rewrites';
import type { Cursor, ExecutionState } from './execution-state';
import { RepresentationIndex } from './representation-index';
import { compileFieldVisitor, compileRepresentation } from './representations';
import {
  concretePaths,
  deepMerge,
  isObject,
  type ResponsePath,
  type ResultObject,
} from './result-tree';
import type { SubgraphClient } from './subgraph-client';
import { downstreamServiceError, taggedWithSubgraph } from './subgraph-errors';
import type { SupergraphTypeConditions } from './type-conditions';

export interface FetchDependencies {
  client: SubgraphClient;
  types: SupergraphTypeConditions;
  fetchCache: FetchCache | undefined;
}

interface Answer {
  data: ResultObject | null | undefined;
  /** Set when the answer may be stored in the fetch cache. */
  cachePolicy: CachePolicy | undefined;
}

/** A subgraph's answer to one fetch (for a call that carried several, its share). */
export interface FetchAnswer {
  data: ResultObject | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
  cacheControl: string | undefined;
}

/** What one fetch sends at one cursor, once the fetch cache answered what it could. */
export interface FetchRequest {
  /** The variables it sends (an entity fetch's `representations` among them). */
  variables: Record<string, unknown>;
  /** Merges the subgraph's answer into the result tree; throws on an answer of the wrong shape. */
  receive(answer: FetchAnswer): void;
}

/** One Fetch node, compiled once per plan. */
export interface CompiledFetch {
  readonly node: FetchNode;
  /** An `_entities` fetch, which may share a call with others to its subgraph. */
  readonly isEntityFetch: boolean;
  /**
   * What this fetch would send at the cursor; undefined when nothing is
   * left to ask (no entities there, or the fetch cache answered all).
   */
  prepare(state: ExecutionState, cursor: Cursor): Promise<FetchRequest | undefined>;
  /** Records the failure of a call that carried this fetch, as the gateway does. */
  fail(state: ExecutionState, error: unknown): void;
  /** Prepares, calls the subgraph with this fetch alone, and receives. */
  run(state: ExecutionState, cursor: Cursor): Promise<void>;
}

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** A copy the caller owns: cached values are never merged into (and so never changed by) a response. */
function copyOf<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * One Fetch node, compiled once per plan: the body around its variables,
 * its representation builder and rewrites. Running it calls the subgraph (or
 * the fetch cache), merges the answer into the entities at the cursor, and
 * records subgraph errors with response paths, as the gateway does; a fetch
 * that fails records its error and lets the rest of the plan run.
 */
export function compileFetch(node: FetchNode, dependencies: FetchDependencies): CompiledFetch {
  const { client, types, fetchCache } = dependencies;
  const representationOf = node.requires ? compileRepresentation(node.requires, types) : undefined;
  const rewriteInput = compileRewrites(node.inputRewrites, types);
  // A representation rewritten before it is sent is built to be rewritten, then compared.
  const visitFields =
    node.requires && !rewriteInput ? compileFieldVisitor(node.requires, types) : undefined;
  const rewriteOutput = compileRewrites(node.outputRewrites, types);
  const bodyStart = `{"query":${JSON.stringify(node.operation)},"variables":`;
  const bodyEnd =
    node.operationName === undefined
      ? '}'
      : `,"operationName":${JSON.stringify(node.operationName)}}`;
  const variableUsages = node.variableUsages ?? [];

  const variablesOf = (state: ExecutionState): Record<string, unknown> => {
    const variables: Record<string, unknown> = {};
    for (const name of variableUsages) {
      if (hasOwnProperty.call(state.variables, name) && state.variables[name] !== undefined) {
        variables[name] = state.variables[name];
      }
    }
    return variables;
  };

  // Whether this fetch's last answer could be cached. While it could not (a
  // subgraph that sends no public cache hint for it, as most never do), the
  // cache is not asked: a lookup that can only miss costs its key hashing on
  // every request. A cacheable answer turns lookups back on.
  let answersCacheable = true;
  const cacheKeyOf = (
    state: ExecutionState,
    variables: Record<string, unknown>,
  ): SubgraphFetch | undefined =>
    fetchCache && state.isQuery
      ? { subgraph: node.serviceName, operation: node.operation, variables }
      : undefined;

  /** Sends `variables` to the subgraph with this fetch's operation alone. */
  const call = async (state: ExecutionState, variables: Record<string, unknown>) => {
    const { body, cacheControl } = await client.call({
      subgraph: node.serviceName,
      body: bodyStart + JSON.stringify(variables) + bodyEnd,
      identity: state.identity,
      requestId: state.requestId,
      shareable: state.isQuery,
      retryable: state.isQuery,
    });
    return {
      data: body.data as ResultObject | null | undefined,
      errors: body.errors as GraphQLFormattedError[] | undefined,
      cacheControl,
    };
  };

  /**
   * Records the answer's errors and cache hint. `ownersOfSent` gives, per
   * `_entities` index of this call, the entities (by owner index) its
   * representation stood for: one error becomes one per entity, in the
   * entities' order, as separate representations would have answered.
   */
  const accept = (
    state: ExecutionState,
    cursor: Cursor,
    answer: FetchAnswer,
    ownersOfSent: readonly (readonly number[])[] | undefined,
  ): Answer => {
    const { errors } = answer;
    if (errors) {
      const pathsOf = errorPaths(state, cursor, ownersOfSent);
      const said: { order: number; error: ReturnType<typeof downstreamServiceError> }[] = [];
      let order = -1;
      for (const error of errors) {
        for (const { owner, path } of pathsOf(error.path)) {
          order = owner ?? order;
          said.push({ order, error: downstreamServiceError(error, node.serviceName, path) });
        }
      }
      if (ownersOfSent?.some((owners) => owners.length > 1)) {
        said.sort((a, b) => a.order - b.order);
      }
      for (const { error } of said) state.errors.push(error);
    }
    const hint = cacheHintOf(answer.cacheControl);
    state.cachePolicy?.restrict(hint);
    const policy = cachePolicyOf(hint);
    const cacheable = !errors?.length && isCacheable(policy);
    if (fetchCache && state.isQuery) answersCacheable = cacheable;
    return { data: answer.data, cachePolicy: fetchCache && cacheable ? policy : undefined };
  };

  const errorPaths = (
    state: ExecutionState,
    cursor: Cursor,
    ownersOfSent: readonly (readonly number[])[] | undefined,
  ) => {
    let entityPaths: ResponsePath[] | undefined;
    return (
      path: readonly (string | number)[] | undefined,
    ): { owner: number | undefined; path: ResponsePath | undefined }[] => {
      const index = path?.[1];
      if (representationOf && typeof index === 'number') {
        entityPaths ??= concretePaths(cursor.steps, state.data);
        return (ownersOfSent?.[index] ?? [index]).map((owner) => ({
          owner,
          path: [...(entityPaths![owner] ?? []), ...path!.slice(2)],
        }));
      }
      return [{ owner: undefined, path: path ? [...cursor.path, ...path] : undefined }];
    };
  };

  const prepareRoot = async (
    state: ExecutionState,
    cursor: Cursor,
    entities: unknown[],
  ): Promise<FetchRequest | undefined> => {
    const variables = variablesOf(state);
    const cacheKey = cacheKeyOf(state, variables);
    const mergeIntoEntities = (data: ResultObject | null | undefined) => {
      if (data) rewriteOutput?.(data);
      for (const entity of entities) deepMerge(entity as ResultObject, data);
    };
    const cached = cacheKey && answersCacheable ? await fetchCache!.getRoot(cacheKey) : undefined;
    if (cached) {
      // How long the cached answer stays fresh is not known here: never cache the response on it.
      state.cachePolicy?.restrict({ maxAge: 0 });
      mergeIntoEntities(copyOf(cached));
      return undefined;
    }
    return {
      variables,
      receive(received) {
        const answer = accept(state, cursor, received, undefined);
        if (cacheKey && answer.data && answer.cachePolicy) {
          fetchCache!.setRoot(cacheKey, copyOf(answer.data), answer.cachePolicy);
        }
        mergeIntoEntities(answer.data);
      },
    };
  };

  const prepareEntities = async (
    state: ExecutionState,
    cursor: Cursor,
    entities: unknown[],
  ): Promise<FetchRequest | undefined> => {
    // Each distinct representation is sent once (TestQuery of the gateway
    // benchmark: 209 inventory representations of 13 products), and its
    // answer merged into every entity it stands for.
    const representations: ResultObject[] = [];
    const owners: ResultObject[] = [];
    const ownersOf: number[][] = [];
    const distinct = new RepresentationIndex();
    // An entity object reached more than once (entities that share their
    // answer's objects, see mergeIntoOwners) is keyed again rather than
    // looked up in a Map of every entity: on the gateway benchmark's query no
    // entity is reached twice, and such a Map per fetch, grown entity by
    // entity, was 63 of the 567 KiB the executor allocated per execution.
    for (const entity of entities) {
      let representation: ResultObject | null | undefined;
      let index: number;
      if (visitFields) {
        index = distinct.indexOfFields(entity, visitFields);
      } else {
        representation = representationOf!(entity);
        if (!representation || !representation.__typename) continue;
        rewriteInput?.(representation);
        index = distinct.indexOf(representation);
      }
      if (index < 0) continue;
      if (index === representations.length) {
        representations.push(representation ?? representationOf!(entity)!);
        ownersOf.push([]);
      }
      ownersOf[index]!.push(owners.length);
      owners.push(entity as ResultObject);
    }
    if (representations.length < 1) return undefined;
    const variables = variablesOf(state);
    if ('representations' in variables) {
      throw new Error(`Variables cannot contain key "representations"`);
    }
    const cacheKey = cacheKeyOf(state, variables);
    const cached =
      cacheKey && answersCacheable
        ? await fetchCache!.getEntities(cacheKey, representations)
        : undefined;
    const missing = cached
      ? representations.flatMap((_, index) => (cached[index] === undefined ? [index] : []))
      : undefined;
    const received: unknown[] = cached ? cached.map((entity) => entity && copyOf(entity)) : [];
    if (missing && missing.length < representations.length) {
      state.cachePolicy?.restrict({ maxAge: 0 });
    }
    // The entities one representation stands for share the objects of its
    // answer: they sit at the same plan path, so every later fetch reaches
    // them alike and merges the same answer into what they share (copying
    // the answer for each, as this did, cost a tenth of the router's CPU in
    // allocation and collection on the gateway benchmark's query).
    const mergeIntoOwners = (entitiesReceived: unknown[]) => {
      for (let index = 0; index < entitiesReceived.length; index++) {
        const entity = entitiesReceived[index];
        const ownerIndexes = ownersOf[index]!;
        if (isObject(entity) && !entity.__typename) {
          entity.__typename = owners[ownerIndexes[0]!]!.__typename;
        }
        rewriteOutput?.(entity);
        let merged: ResultObject | undefined;
        for (const ownerIndex of ownerIndexes) {
          const owner = owners[ownerIndex]!;
          // One object reached twice in a row needs the answer once.
          if (owner !== merged) deepMerge(owner, entity);
          merged = owner;
        }
      }
    };
    if (missing && missing.length === 0) {
      mergeIntoOwners(received);
      return undefined;
    }
    const sentIndexes = missing ?? representations.map((_, index) => index);
    const sent = sentIndexes.map((index) => representations[index]!);
    const ownersOfSent = sentIndexes.map((index) => ownersOf[index]!);
    return {
      variables: { ...variables, representations: sent },
      receive(receivedAnswer) {
        const answer = accept(state, cursor, receivedAnswer, ownersOfSent);
        if (!answer.data) return;
        const answered = answer.data._entities;
        if (!Array.isArray(answered)) {
          throw new Error(`Expected "data._entities" in response to be an array`);
        }
        if (answered.length !== sent.length) {
          throw new Error(`Expected "data._entities" to contain ${sent.length} elements`);
        }
        if (cacheKey && answer.cachePolicy) {
          fetchCache!.setEntities(cacheKey, sent, copyOf(answered), answer.cachePolicy);
        }
        if (missing) missing.forEach((index, position) => (received[index] = answered[position]));
        mergeIntoOwners(missing ? received : answered);
      },
    };
  };

  const compiled: CompiledFetch = {
    node,
    isEntityFetch: representationOf !== undefined,
    async prepare(state, cursor) {
      const entities = Array.isArray(cursor.data)
        ? cursor.data.filter((entity) => entity !== null && entity !== undefined)
        : [cursor.data];
      if (entities.length < 1) return undefined;
      return representationOf
        ? prepareEntities(state, cursor, entities)
        : prepareRoot(state, cursor, entities);
    },
    fail(state, error) {
      state.errors.push(taggedWithSubgraph(error, node.serviceName));
    },
    async run(state, cursor) {
      try {
        const request = await compiled.prepare(state, cursor);
        if (request) request.receive(await call(state, request.variables));
      } catch (error) {
        compiled.fail(state, error);
      }
    },
  };
  return compiled;
}
