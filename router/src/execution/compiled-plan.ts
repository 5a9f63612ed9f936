import type { GraphQLFormattedError } from 'graphql';
import type { Operation } from '@apollo/federation-internals';
import type { QueryPlan } from '@apollo/query-planner';
import type { Cursor, ExecutionState } from './execution-state';
import {
  compileFetch,
  type CompiledFetch,
  type FetchAnswer,
  type FetchDependencies,
  type FetchRequest,
} from './fetch-step';
import {
  scheduleFetches,
  UnschedulablePlanError,
  type FetchSchedule,
  type ScheduledFetch,
} from './fetch-schedule';
import { mergeEntityOperations, type MergedCall } from './merged-entity-call';
import { compilePath, valuesAtPath, type ResultObject } from './result-tree';

/** A plan node compiled to a function of one request's state. */
export type PlanStep = (state: ExecutionState, cursor: Cursor) => Promise<void>;

/** A plan compiled: how to run it, and what it asks of subgraphs. */
export interface CompiledPlan {
  run: PlanStep;
  /** Its Fetch nodes. */
  fetches: number;
  /** The subgraph calls it makes at most (fewer when a fetch has nothing to ask). */
  calls: number;
}

/** The plan uses a node this executor leaves to the gateway (subscriptions; Defer nodes are split apart first). */
export class UnsupportedPlanError extends Error {}

/**
 * Compiles a query plan once into one closure that runs its fetches level by
 * level (fetch-schedule.ts): at each level, the fetches to one subgraph go
 * in one call when there are several with something to ask (their
 * `_entities` merged, merged-entity-call.ts), else alone. Each fetch reads
 * the result tree at its Flatten paths, parsed once. A plan with a node the
 * executor does not run throws UnsupportedPlanError, and the caller keeps
 * that plan on the gateway's own executor.
 */
export function compilePlan(
  plan: QueryPlan,
  operation: Operation,
  dependencies: FetchDependencies,
): CompiledPlan {
  const node = plan.node;
  if (!node) return { run: () => Promise.resolve(), fetches: 0, calls: 0 };
  if (node.kind === 'Subscription') throw new UnsupportedPlanError('Subscription');
  let schedule: FetchSchedule;
  try {
    schedule = scheduleFetches(node);
  } catch (error) {
    if (error instanceof UnschedulablePlanError) throw new UnsupportedPlanError(error.message);
    throw error;
  }
  const levels = schedule.map((groups) =>
    groups.map((group) => compileGroup(group, operation, dependencies)),
  );
  return {
    async run(state, cursor) {
      for (const groups of levels) await Promise.all(groups.map((run) => run(state, cursor)));
    },
    fetches: schedule.flat(2).length,
    calls: schedule.reduce(
      (calls, groups) =>
        calls + groups.reduce((sum, group) => sum + (isMergeable(group) ? 1 : group.length), 0),
      0,
    ),
  };
}

/**
 * Fetches of one level to one subgraph that go in one call: `_entities`
 * fetches, more than one. Root fetches are not merged (by aliasing) because
 * no level has two to one subgraph: the planner puts a subgraph's root fields
 * in one fetch (aliases, fragments, @include/@skip included), and only
 * independent @defer blocks have one each, which must each be answered as
 * soon as its own fetch is (root-fetches.test.ts).
 */
function isMergeable(group: readonly ScheduledFetch[]): boolean {
  return (
    group.length > 1 &&
    group.every(
      ({ node }) =>
        node.requires !== undefined &&
        !(node.variableUsages ?? []).some((name) => /^representations_\d+$/.test(name)),
    )
  );
}

interface Part {
  fetch: CompiledFetch;
  /** The result-tree values it runs on, or undefined when its conditions do not hold. */
  cursorOf(state: ExecutionState, root: Cursor): Cursor | undefined;
}

/** One level's fetches to one subgraph, as one step. */
function compileGroup(
  group: ScheduledFetch[],
  operation: Operation,
  dependencies: FetchDependencies,
): PlanStep {
  const parts: Part[] = group.map((scheduled) => ({
    fetch: compileFetch(scheduled.node, dependencies),
    cursorOf: compileCursor(scheduled, operation),
  }));
  const runAlone = (state: ExecutionState, root: Cursor) =>
    Promise.all(
      parts.map(async ({ fetch, cursorOf }) => {
        const cursor = cursorOf(state, root);
        if (cursor) await fetch.run(state, cursor);
      }),
    );
  if (!isMergeable(group)) return async (state, root) => void (await runAlone(state, root));

  const { client } = dependencies;
  const subgraph = group[0]!.node.serviceName;
  const name = `${group[0]!.node.operationName ?? 'Entities'}__merged`;
  // Built once per set of parts that had something to ask at once, and kept.
  const merged = new Map<string, MergedCall>();
  const mergedCallOf = (indexes: number[]) => {
    const key = indexes.join(',');
    let call = merged.get(key);
    if (!call) {
      call = mergeEntityOperations(
        indexes.map((index) => parts[index]!.fetch.node.operation),
        name,
      );
      merged.set(key, call);
    }
    return call;
  };

  return async (state, root) => {
    const requests: { part: Part; request: FetchRequest; index: number }[] = [];
    await Promise.all(
      parts.map(async (part, index) => {
        const cursor = part.cursorOf(state, root);
        if (!cursor) return;
        try {
          const request = await part.fetch.prepare(state, cursor);
          if (request) requests.push({ part, request, index });
        } catch (error) {
          part.fetch.fail(state, error);
        }
      }),
    );
    if (requests.length === 0) return;
    requests.sort((a, b) => a.index - b.index);
    const call = mergedCallOf(requests.map(({ index }) => index));
    let shares: FetchAnswer[];
    try {
      const { body, cacheControl } = await client.call({
        subgraph,
        body: call.body(requests.map(({ request }) => request.variables)),
        identity: state.identity,
        requestId: state.requestId,
        shareable: state.isQuery,
        retryable: state.isQuery,
      });
      shares = call.split({
        data: body.data as ResultObject | null | undefined,
        errors: body.errors as GraphQLFormattedError[] | undefined,
        cacheControl,
      });
    } catch (error) {
      for (const { part } of requests) part.fetch.fail(state, error);
      return;
    }
    requests.forEach(({ part, request }, position) => {
      try {
        request.receive(shares[position]!);
      } catch (error) {
        part.fetch.fail(state, error);
      }
    });
  };
}

/** Where a scheduled fetch runs: its Flatten paths walked from the root, its conditions checked. */
function compileCursor(scheduled: ScheduledFetch, operation: Operation) {
  const flattens = scheduled.flattens.map((path) => ({ path, steps: compilePath(path) }));
  const conditions = scheduled.conditions.map(({ variable, expected }) => ({
    variable,
    expected,
    defaultValue: operation.variableDefinitions.definition(variable)?.defaultValue,
  }));
  return (state: ExecutionState, root: Cursor): Cursor | undefined => {
    for (const { variable, expected, defaultValue } of conditions) {
      if (conditionValue(state, variable, defaultValue) !== expected) return undefined;
    }
    let cursor = root;
    for (const { path, steps } of flattens) {
      const data = valuesAtPath(cursor.data, steps);
      if (!data) return undefined;
      cursor = { path: cursor.path.concat(path), steps: cursor.steps.concat(steps), data };
    }
    return cursor;
  };
}

/** A Condition's variable, as the gateway reads it: the value sent, else its default. */
function conditionValue(state: ExecutionState, variable: string, defaultValue: unknown): boolean {
  const given = Object.prototype.hasOwnProperty.call(state.variables, variable)
    ? state.variables[variable]
    : undefined;
  const value = given === undefined ? defaultValue : given;
  if (value === undefined) {
    throw new Error(`Missing value for variable $${variable} (and no default found)`);
  }
  if (typeof value !== 'boolean') {
    throw new Error(
      `Invalid non-boolean value ${String(value)} for Boolean! variable $${variable}`,
    );
  }
  return value;
}
