import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { IDENTITY_HEADER, IdentitySigner, type Identity } from '@shop/identity';
import {
  BadUserInputError,
  ConflictError,
  ErrorCode,
  ForbiddenError,
  NotFoundError,
  OutOfStockError,
  PaymentDeclinedError,
  type DomainError,
} from '@shop/platform';
import type { ServiceUrls } from '../config';

/** Who the saga calls as: the scopes inventory and payments require of their internal mutations. */
const ORDERS_SERVICE: Identity = {
  kind: 'service',
  service: 'orders',
  scopes: ['inventory:reserve', 'payments:charge', 'payments:refund'],
};

export interface ServiceClientOptions {
  identitySecret: string;
  timeoutMs?: number;
  /** Attempts per call, the first included. */
  attempts?: number;
}

/** A sibling could not be reached (or did not answer in time) after every attempt. */
export class ServiceUnavailableError extends Error {}

/** A sibling answered with an error this subgraph has no domain error for. */
export class ServiceCallError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * POSTs GraphQL to another subgraph with a service identity signed for that
 * subgraph at every attempt (a header is accepted by its subgraph only, and
 * for seconds). Only failures to reach it are retried: every operation the saga sends is
 * idempotent by key, so repeating one whose answer was lost is safe, while an
 * answered error is final. A sibling's domain error becomes the same error
 * here, so OUT_OF_STOCK or PAYMENT_DECLINED reach the client as they were
 * raised, extensions included.
 */
export class ServiceClient {
  private readonly timeoutMs: number;
  private readonly attempts: number;
  /**
   * Keep-alive pools per sibling, called through undici's request: global
   * fetch spent 11% of orders' CPU under the checkout benchmark in its web
   * streams (a --cpu-prof of the orders process, 2026-12-06).
   */
  private readonly agent = new Agent({ keepAliveTimeout: 30_000 });
  private readonly signer: IdentitySigner;

  constructor(
    private readonly urls: ServiceUrls,
    private readonly options: ServiceClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.attempts = options.attempts ?? 3;
    this.signer = new IdentitySigner(options.identitySecret);
  }

  async call<T>(
    service: keyof ServiceUrls,
    query: string,
    variables: Record<string, unknown>,
    requestId?: string,
  ): Promise<T> {
    const body = JSON.stringify({ query, variables });
    for (let attempt = 1; ; attempt++) {
      let response: { status: number; text: string };
      try {
        const answer = await request(this.urls[service], {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            // The sibling's name in ServiceUrls is its subgraph name, the audience it accepts.
            [IDENTITY_HEADER]: this.signer.sign(ORDERS_SERVICE, service),
            ...(requestId ? { 'x-request-id': requestId } : {}),
          },
          body,
          dispatcher: this.agent,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        response = { status: answer.statusCode, text: await answer.body.text() };
      } catch (error) {
        if (attempt >= this.attempts) {
          throw new ServiceUnavailableError(`The ${service} subgraph did not answer`, {
            cause: error,
          });
        }
        await sleep(100 * 2 ** (attempt - 1));
        continue;
      }
      return answerOf<T>(service, response);
    }
  }
}

function answerOf<T>(service: string, response: { status: number; text: string }): T {
  let answer: GraphQLAnswer<T>;
  try {
    answer = JSON.parse(response.text) as GraphQLAnswer<T>;
  } catch {
    throw new ServiceCallError(
      `The ${service} subgraph answered HTTP ${response.status}`,
      undefined,
    );
  }
  const [error] = answer.errors ?? [];
  if (error) throw localErrorOf(service, error.message, error.extensions ?? {});
  if (!answer.data)
    throw new ServiceCallError(`The ${service} subgraph answered no data`, undefined);
  return answer.data;
}

function localErrorOf(
  service: string,
  message: string,
  extensions: Record<string, unknown>,
): DomainError | ServiceCallError {
  const { code, ...details } = extensions;
  switch (code) {
    case ErrorCode.OUT_OF_STOCK:
      return new OutOfStockError(message, details);
    case ErrorCode.PAYMENT_DECLINED:
      return new PaymentDeclinedError(message, details);
    case ErrorCode.NOT_FOUND:
      return new NotFoundError(message, details);
    case ErrorCode.BAD_USER_INPUT:
      return new BadUserInputError(message, details);
    case ErrorCode.CONFLICT:
      return new ConflictError(message, details);
    case ErrorCode.FORBIDDEN:
      return new ForbiddenError(message, details);
    default:
      return new ServiceCallError(
        `The ${service} subgraph answered: ${message}`,
        typeof code === 'string' ? code : undefined,
      );
  }
}
