import { BadUserInputError, ConflictError, NotFoundError, type DomainError } from '@shop/platform';

interface PrismaKnownError {
  code: string;
  meta?: {
    target?: unknown;
    modelName?: string;
    cause?: string;
    /** What the database answered, when a statement failed there (Prisma 7's driver adapters). */
    driverAdapterError?: {
      cause?: { originalCode?: string; constraint?: { fields?: string[]; index?: string } };
    };
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
 * A write broke a unique constraint: for the writes that expect it (an
 * idempotency key or a slug taken by a racing request) and answer it their own way.
 */
export function isUniqueViolation(error: unknown): boolean {
  return isPrismaKnownError(error) && error.code === 'P2002';
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
      const fields = uniqueFields(error);
      const named = fields ? fields.join(', ') : 'unique fields';
      return new ConflictError(`A record with the same ${named} already exists`, { fields });
    }
    case 'P2025':
      return new NotFoundError(`${error.meta?.modelName ?? 'Record'} not found`);
    default:
      return undefined;
  }
}

/**
 * The fields of the unique constraint a write broke: Prisma 6 named them
 * (`target`); Prisma 7 names them through its driver adapter, as fields or
 * as the index, whose name Prisma derives as <Model>_<field>[_<field>]_key.
 */
function uniqueFields(error: PrismaKnownError): string[] | undefined {
  const { target, modelName, driverAdapterError } = error.meta ?? {};
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === 'string') return [target];
  const constraint = driverAdapterError?.cause?.constraint;
  if (constraint?.fields?.length) return constraint.fields;
  const index = constraint?.index;
  if (!index || !modelName) return undefined;
  const match = new RegExp(`^${modelName}_(.+)_key$`).exec(index);
  return match ? match[1]!.split('_') : undefined;
}
