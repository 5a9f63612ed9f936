import {
  getOperationAST,
  type GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { Identity } from '@shop/identity';
import { authorizeOperation } from '../auth/authorize-operation';
import type { OperationLimits } from '../limits/operation-limits';
import { LimitCode } from '../limits/limit-errors';
import { parseFailureCode } from '../limits/parse-failure';
import { isListed, type Safelist } from '../limits/safelist';
import type { AuthRequirements } from '../auth/requirements';
import { QueryPlanningError } from '../execution/planning-failure';
import type { Refusals } from './subscription-hub';
import type { SubscriptionPlanner } from './subscription-planner';

/** A subscription operation as a client sent it (after authorization filtered it). */
export interface SubscriptionRequest {
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

export interface IncomingOperation {
  query: unknown;
  operationName?: unknown;
  variables?: unknown;
}

export type PreparedOperation =
  | { kind: 'subscription'; request: SubscriptionRequest; refusals?: Refusals }
  /** A query or mutation: the gateway's to execute. */
  | { kind: 'operation'; document: DocumentNode }
  /** Nothing runs; `unauthenticated` when what is missing is a signed-in caller. */
  | { kind: 'refused'; errors: GraphQLFormattedError[]; unauthenticated: boolean };

/**
 * Everything checked before a subscription starts, whichever transport
 * carries it: the document parses and validates, the variables coerce, and
 * @authenticated / @requiresScopes allow it (refused fields come back as
 * nulls with errors, as for queries; a refused root field refuses it all),
 * the operation limits hold, on a safelisted router the operation is one of
 * the manifest's, and the supergraph can answer it (planned, QUERY_PLANNING_FAILED
 * otherwise, before anything is opened upstream).
 */
export function prepareOperation(
  planner: SubscriptionPlanner,
  requirements: AuthRequirements,
  identity: Identity,
  incoming: IncomingOperation,
  limits: OperationLimits,
  safelist: Safelist | undefined,
  /** No "Did you mean …?" in errors when introspection is off: it would name hidden fields. */
  hideSuggestions: boolean,
): PreparedOperation {
  if (typeof incoming.query !== 'string' || incoming.query.trim() === '') {
    return refused('The request has no query', 'BAD_REQUEST');
  }
  if (safelist && !isListed(safelist, incoming.query)) {
    return refused(
      'Only registered operations run on this router',
      LimitCode.PERSISTED_QUERY_NOT_IN_SAFELIST,
    );
  }
  const schema = planner.schema;
  const operationName =
    typeof incoming.operationName === 'string' ? incoming.operationName : undefined;
  const variables = isRecord(incoming.variables) ? incoming.variables : {};

  let document: DocumentNode;
  try {
    document = parse(incoming.query, limits.parseOptions);
  } catch (error) {
    const { message } = error as GraphQLError;
    return refused(message, parseFailureCode(message));
  }
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    return refused(
      operationName ? `Unknown operation named "${operationName}"` : 'Name the operation to run',
      'BAD_USER_INPUT',
    );
  }
  const validationErrors = validate(schema, document, undefined, { hideSuggestions });
  if (validationErrors.length > 0) {
    return {
      kind: 'refused',
      errors: validationErrors.map((error) => ({
        ...error.toJSON(),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      })),
      unauthenticated: false,
    };
  }
  if (operation.operation !== 'subscription') return { kind: 'operation', document };
  const exceeded = limits.check(schema, document, operationName, variables);
  if (exceeded) return refused(exceeded.message, exceeded.code);

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, {
    hideSuggestions,
  });
  if (coerced.errors) {
    return {
      kind: 'refused',
      errors: coerced.errors.map((error) => ({
        ...error.toJSON(),
        extensions: { code: 'BAD_USER_INPUT' },
      })),
      unauthenticated: false,
    };
  }

  const authorization = authorizeOperation(schema, document, operationName, identity, requirements);
  const request = { document, operationName, variables: coerced.coerced };
  if (!authorization) return planned(planner, request, undefined);
  if (!authorization.document) {
    return {
      kind: 'refused',
      errors: authorization.errors,
      unauthenticated:
        identity.kind === 'anonymous' &&
        authorization.errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED'),
    };
  }
  return planned(
    planner,
    { ...request, document: authorization.document },
    { errors: authorization.errors, placeholders: authorization.placeholders },
  );
}

/** The subscription, once its plan is made (and kept by the planner for the hub). */
function planned(
  planner: SubscriptionPlanner,
  request: SubscriptionRequest,
  refusals: Refusals | undefined,
): PreparedOperation {
  try {
    planner.plan(request.document, request.operationName);
  } catch (error) {
    // Refused here, it is one error of this subscription, not a socket closed for all of them.
    if (error instanceof QueryPlanningError) {
      return refused(error.message, error.extensions.code as string);
    }
    throw error;
  }
  return { kind: 'subscription', request, refusals };
}

function refused(message: string, code: string): PreparedOperation {
  return { kind: 'refused', errors: [{ message, extensions: { code } }], unauthenticated: false };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
