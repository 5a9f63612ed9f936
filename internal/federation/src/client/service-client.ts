import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { IDENTITY_HEADER, IdentitySigner, type Identity } from '@shop/identity';
import { errorOfAnswer, ServiceCallError, ServiceUnavailableError } from './service-errors';
import { REQUEST_ID_HEADER } from '@shop/platform';

/** A service identity: who the caller is to the services it calls. */
export type ServiceIdentity = Extract<Identity, { kind: 'service' }>;

/** One call about to leave, as willSendRequest sees (and may change) it. */
export interface ServiceRequest<Service extends string> {
  service: Service;
  url: string;
  /** Sent as they are after the hook; the identity and request id are already in. */
  headers: Record<string, string>;
  query: string;
  variables: Record<string, unknown>;
}

export interface ServiceClientOptions<Service extends string> {
  /** Signed into every request, for the one service it goes to (its name here is its audience). */
  identity: ServiceIdentity;
  identitySecret: string;
  /**
   * Each called service's GraphQL endpoint, by its subgraph name. Read at
   * every call rather than copied, so a caller that learns an address only
   * after starting (the embedded stack) can set it.
   */
  urls: Readonly<Record<Service, string>>;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts of a call that may be retried, the first included. */
  attempts?: number;
  /** Called before every attempt, as gateway-js's RemoteGraphQLDataSource.willSendRequest. */
  willSendRequest?(request: ServiceRequest<Service>): void;
}

export interface CallOptions {
  /** Sent as x-request-id, so the callee's logs carry the caller's. */
  requestId?: string;
}

export interface MutationOptions extends CallOptions {
  /**
   * The callee makes a repeat of this mutation change nothing: by an
   * idempotency key in its input, or by the id of what it changes, whose
   * state the callee checks before acting. Only such a mutation is retried
   * when its answer is lost; any other is sent once.
   */
  idempotent: boolean;
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Statuses of a service not taking requests (a proxy's, or one stopping): nothing was done. */
const NOT_TAKEN = new Set([502, 503, 504]);

/**
 * How one service calls another's GraphQL API (orders' checkout saga,
 * search's index rebuild): POSTs through keep-alive pools with a service
 * identity signed per attempt (accepted by its audience only, and for
 * seconds) and the caller's request id. A call whose answer is lost (not
 * reached, timed out, a 502/503/504) is retried with backoff when repeating
 * it is safe: every query, and a mutation only when the callee makes it
 * idempotent; otherwise, and after the last attempt, ServiceUnavailableError.
 * An answered error is final, and the callee's domain error becomes the same
 * typed error here.
 */
export class ServiceClient<Service extends string> {
  private readonly timeoutMs: number;
  private readonly attempts: number;
  /**
   * undici's request on its own pools: global fetch spent 11% of orders' CPU
   * under the checkout benchmark in its web streams (a --cpu-prof of the
   * orders process, 2026-12-06).
   */
  private readonly agent = new Agent({ keepAliveTimeout: 30_000 });
  private readonly signer: IdentitySigner;

  constructor(private readonly options: ServiceClientOptions<Service>) {
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.attempts = options.attempts ?? 3;
    this.signer = new IdentitySigner(options.identitySecret);
  }

  /** A read: retried when its answer is lost. */
  query<T>(
    service: Service,
    query: string,
    variables: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<T> {
    if (/^\s*mutation\b/.test(query)) throw new Error('A mutation goes through mutate()');
    return this.call<T>(service, query, variables, options.requestId, this.attempts);
  }

  /** A write: retried when its answer is lost only if `idempotent`. */
  mutate<T>(
    service: Service,
    mutation: string,
    variables: Record<string, unknown>,
    options: MutationOptions,
  ): Promise<T> {
    const attempts = options.idempotent ? this.attempts : 1;
    return this.call<T>(service, mutation, variables, options.requestId, attempts);
  }

  /** Closes the keep-alive connections. */
  close(): Promise<void> {
    return this.agent.close();
  }

  private async call<T>(
    service: Service,
    query: string,
    variables: Record<string, unknown>,
    requestId: string | undefined,
    attempts: number,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const outgoing: ServiceRequest<Service> = {
        service,
        url: this.options.urls[service],
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          [IDENTITY_HEADER]: this.signer.sign(this.options.identity, service),
          ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
        },
        query,
        variables,
      };
      this.options.willSendRequest?.(outgoing);
      const sent = await this.send(outgoing);
      if ('text' in sent) return answerOf<T>(`The ${service} service at ${outgoing.url}`, sent);
      if (attempt >= attempts) {
        throw new ServiceUnavailableError(
          `The ${service} service at ${outgoing.url} did not answer${attempts > 1 ? ` in ${attempts} attempts` : ''}`,
          { cause: sent.lost },
        );
      }
      await sleep(100 * 2 ** (attempt - 1));
    }
  }

  private async send(outgoing: ServiceRequest<Service>): Promise<Sent> {
    try {
      const answer = await request(outgoing.url, {
        method: 'POST',
        headers: outgoing.headers,
        body: JSON.stringify({ query: outgoing.query, variables: outgoing.variables }),
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await answer.body.text();
      if (NOT_TAKEN.has(answer.statusCode)) return { lost: new Error(`HTTP ${answer.statusCode}`) };
      return { status: answer.statusCode, text };
    } catch (error) {
      return { lost: error };
    }
  }
}

/** The callee's answer, or why there was none (not reached, timed out, not taking requests). */
type Sent = { status: number; text: string } | { lost: unknown };

/** `callee` names the service and its address, for the errors. */
function answerOf<T>(callee: string, { status, text }: { status: number; text: string }): T {
  let answer: GraphQLAnswer<T>;
  try {
    answer = JSON.parse(text) as GraphQLAnswer<T>;
  } catch {
    throw new ServiceCallError(`${callee} answered HTTP ${status} without JSON`);
  }
  const [error] = answer.errors ?? [];
  if (error) throw errorOfAnswer(callee, error.message, error.extensions ?? {});
  if (!answer.data) throw new ServiceCallError(`${callee} answered no data`);
  return answer.data;
}
