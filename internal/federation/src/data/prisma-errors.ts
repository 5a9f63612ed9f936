import { BadUserInputError, ConflictError, NotFoundError, type DomainError } from '@shop/platform';

interface PrismaKnownError {
  code: string;
  meta?: {
    target?: unknown;
    modelName?: string;
    cause?: string;
    /** What the database answered, when a statement failed there (Prisma 7's driver adapters). */
    driverAdapterError?: { cause?: { originalCode?: string } };
  };
}

/**
 * PostgreSQL's refusals of text it cannot store: a NUL character or bytes
 * that are not UTF-8 (22021), or a character the encoding lacks (22P05).
 * Only a client's input carries such text here.
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

function isPrismaKnownError(error: unknown): error is PrismaKnownError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: string }).name === 'PrismaClientKnownRequestError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/**
 * The one place Prisma's error codes get their domain meaning: a unique
 * constraint is a CONFLICT, a missing record a NOT_FOUND, text the database
 * cannot store BAD_USER_INPUT. Others are not a client's to act on and stay
 * internal.
 */
export function translatePrismaError(error: unknown): DomainError | undefined {
  if (!isPrismaKnownError(error)) return undefined;
  const databaseCode = error.meta?.driverAdapterError?.cause?.originalCode;
  if (databaseCode && UNSTORABLE_TEXT.has(databaseCode)) {
    return new BadUserInputError('Text inputs must not contain NUL characters or invalid UTF-8');
  }
  switch (error.code) {
    case 'P2002': {
      const target = error.meta?.target;
      const fields = Array.isArray(target)
        ? target.join(', ')
        : typeof target === 'string'
          ? target
          : 'a unique field';
      return new ConflictError(`A record with the same ${fields} already exists`, {
        fields: target,
      });
    }
    case 'P2025':
      return new NotFoundError(`${error.meta?.modelName ?? 'Record'} not found`);
    default:
      return undefined;
  }
}
