import type {
  ApolloServerPlugin,
  BaseContext,
  GraphQLRequestContextWillSendResponse,
} from '@apollo/server';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_GRAPHQL_OPERATION_NAME,
  ATTR_GRAPHQL_OPERATION_TYPE,
} from '@opentelemetry/semantic-conventions/incubating';
import { Counter, Histogram, type Registry } from 'prom-client';
import { BoundedLabel } from './metrics';

/** Distinct operation names kept as label values; more fold into one. */
const MAX_OPERATION_NAMES = 200;
/** Distinct error codes kept as label values. */
const MAX_ERROR_CODES = 50;
/** The operation type of a request that never resolved to an operation (parse or validation errors). */
const UNKNOWN_TYPE = 'unknown';

/**
 * Per operation (name and type, with bounded cardinality): a latency
 * histogram, whose count is the request rate, and the requests answered
 * with errors, by the first error's code.
 */
export function operationMetricsPlugin<Context extends BaseContext>(
  registry: Registry,
): ApolloServerPlugin<Context> {
  const labelNames = ['operation_name', 'operation_type'] as const;
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL requests: time from receipt to response, by operation',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_request_errors_total',
    help: 'GraphQL requests answered with errors, by operation and the first error code',
    labelNames: [...labelNames, 'code'],
    registers: [registry],
  });
  const names = new BoundedLabel(MAX_OPERATION_NAMES);
  const codes = new BoundedLabel(MAX_ERROR_CODES);

  return {
    async requestDidStart() {
      const stopTimer = duration.startTimer();
      return {
        async willSendResponse(requestContext) {
          const labels = {
            operation_name: names.valueOf(requestContext.operationName),
            operation_type: requestContext.operation?.operation ?? UNKNOWN_TYPE,
          };
          stopTimer(labels);
          const first = errorsOf(requestContext)?.[0];
          if (first) {
            const code = first.extensions?.code;
            errors.inc({ ...labels, code: codes.valueOf(typeof code === 'string' ? code : null) });
          }
        },
      };
    },
  };
}

/**
 * Names the request's server span after its operation (`query ProductPage`)
 * and marks it failed when the answer carries errors.
 */
export function operationSpanPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, operation }) {
          const span = trace.getActiveSpan();
          if (!span || !operation) return;
          span.updateName(`${operation.operation} ${operationName ?? ''}`.trim());
          span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, operation.operation);
          if (operationName) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, operationName);
        },
        async willSendResponse(requestContext) {
          const first = errorsOf(requestContext)?.[0];
          if (first)
            trace
              .getActiveSpan()
              ?.setStatus({ code: SpanStatusCode.ERROR, message: first.message });
        },
      };
    },
  };
}

function errorsOf<Context extends BaseContext>(
  requestContext: GraphQLRequestContextWillSendResponse<Context>,
): readonly { message: string; extensions?: Record<string, unknown> }[] | undefined {
  const { body } = requestContext.response;
  return body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
}
