import { ConflictError, NotFoundError, type DomainError } from '@shop/platform';

interface PrismaKnownError {
  code: string;
  meta?: { target?: unknown; modelName?: string; cause?: string };
}

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
 * constraint is a CONFLICT, a missing record a NOT_FOUND. Others are not a
 * client's to act on and stay internal.
 */
export function translatePrismaError(error: unknown): DomainError | undefined {
  if (!isPrismaKnownError(error)) return undefined;
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
