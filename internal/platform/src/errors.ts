import { HeaderMap } from '@apollo/server';
import { GraphQLError, type GraphQLErrorOptions } from 'graphql';

/** The codes clients can act on, as the operations contract lists them. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  OUT_OF_STOCK: 'OUT_OF_STOCK',
  PAYMENT_DECLINED: 'PAYMENT_DECLINED',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

type Details = Record<string, unknown>;

/** Base of every error a client may see; carries a literal extensions.code. */
export abstract class DomainError extends GraphQLError {
  abstract readonly code: ErrorCode;

  protected constructor(
    message: string,
    code: ErrorCode,
    details: Details = {},
    options?: GraphQLErrorOptions,
  ) {
    super(message, { ...options, extensions: { ...details, code } });
  }
}

export class BadUserInputError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;
  constructor(message: string, details?: Details) {
    super(message, ErrorCode.BAD_USER_INPUT, details);
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = ErrorCode.UNAUTHENTICATED;
  constructor(message = 'Authentication required', details?: Details) {
    super(message, ErrorCode.UNAUTHENTICATED, details);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = ErrorCode.FORBIDDEN;
  constructor(message = 'Not allowed', details?: Details) {
    super(message, ErrorCode.FORBIDDEN, details);
  }
}

export class NotFoundError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
  constructor(message: string, details?: Details) {
    super(message, ErrorCode.NOT_FOUND, details);
  }
}

export class OutOfStockError extends DomainError {
  readonly code = ErrorCode.OUT_OF_STOCK;
  constructor(message: string, details?: Details) {
    super(message, ErrorCode.OUT_OF_STOCK, details);
  }
}

export class PaymentDeclinedError extends DomainError {
  readonly code = ErrorCode.PAYMENT_DECLINED;
  constructor(message: string, details?: Details) {
    super(message, ErrorCode.PAYMENT_DECLINED, details);
  }
}

export class ConflictError extends DomainError {
  readonly code = ErrorCode.CONFLICT;
  constructor(message: string, details?: Details) {
    super(message, ErrorCode.CONFLICT, details);
  }
}

/** HTTP 429 with a Retry-After header when Apollo Server answers it. */
export class RateLimitedError extends DomainError {
  readonly code = ErrorCode.RATE_LIMITED;
  constructor(message: string, retryAfterSeconds: number) {
    super(message, ErrorCode.RATE_LIMITED, {
      retryAfterSeconds,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
    });
  }
}
