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

/**
 * Another service could not be reached, or did not answer in time, after
 * every attempt the call allowed: whether it acted is unknown until asked again.
 */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
}

/** Another service answered, but not with data or a domain error this service knows. */
export class ServiceCallError extends Error {
  override readonly name = 'ServiceCallError';

  constructor(
    message: string,
    /** The answer's extensions.code, when it had one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * The callee's error as the same typed error here, extensions included, so
 * OUT_OF_STOCK or PAYMENT_DECLINED reach this service's caller as they were
 * raised; any other code is a ServiceCallError.
 */
export function errorOfAnswer(
  /** Who answered, as the message names it ("The payments service at <url>"). */
  callee: string,
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
        `${callee} answered: ${message}`,
        typeof code === 'string' ? code : undefined,
      );
  }
}
