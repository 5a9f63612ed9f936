import type { Operation } from '@apollo/federation-internals';
import type { PlanNode, QueryPlan } from '@apollo/query-planner';
import type { Cursor, ExecutionState } from './execution-state';
import { compileFetch, type FetchDependencies } from './fetch-step';
import { compilePath, valuesAtPath } from './result-tree';

/** A plan node compiled to a function of one request's state. */
export type PlanStep = (state: ExecutionState, cursor: Cursor) => Promise<void>;

/** The plan uses a node this executor leaves to the gateway (@defer, subscriptions). */
export class UnsupportedPlanError extends Error {}

/**
 * Compiles a query plan once into closures: Sequence, Parallel, Flatten (its
 * path parsed once), Condition and Fetch. A plan with a node the executor
 * does not run throws UnsupportedPlanError, and the caller keeps that plan on
 * the gateway's own executor.
 */
export function compilePlan(
  plan: QueryPlan,
  operation: Operation,
  dependencies: FetchDependencies,
): PlanStep {
  const node = plan.node;
  if (!node) return () => Promise.resolve();
  if (node.kind === 'Subscription') throw new UnsupportedPlanError('Subscription');
  return compileNode(node, operation, dependencies);
}

function compileNode(
  node: PlanNode,
  operation: Operation,
  dependencies: FetchDependencies,
): PlanStep {
  switch (node.kind) {
    case 'Fetch':
      return compileFetch(node, dependencies);
    case 'Sequence': {
      const steps = node.nodes.map((child) => compileNode(child, operation, dependencies));
      return async (state, cursor) => {
        for (const step of steps) await step(state, cursor);
      };
    }
    case 'Parallel': {
      const steps = node.nodes.map((child) => compileNode(child, operation, dependencies));
      return async (state, cursor) => {
        await Promise.all(steps.map((step) => step(state, cursor)));
      };
    }
    case 'Flatten': {
      const path = node.path.map(String);
      const steps = compilePath(path);
      const inner = compileNode(node.node, operation, dependencies);
      return async (state, cursor) => {
        const data = valuesAtPath(cursor.data, steps);
        if (!data) return;
        await inner(state, {
          path: cursor.path.concat(path),
          steps: cursor.steps.concat(steps),
          data,
        });
      };
    }
    case 'Condition': {
      const variable = node.condition;
      const defaultValue = operation.variableDefinitions.definition(variable)?.defaultValue;
      const ifClause = node.ifClause && compileNode(node.ifClause, operation, dependencies);
      const elseClause = node.elseClause && compileNode(node.elseClause, operation, dependencies);
      return async (state, cursor) => {
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
        const branch = value ? ifClause : elseClause;
        if (branch) await branch(state, cursor);
      };
    }
    default:
      throw new UnsupportedPlanError(node.kind);
  }
}
