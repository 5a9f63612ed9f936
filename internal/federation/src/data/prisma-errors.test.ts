import { BadUserInputError, ConflictError, NotFoundError } from '@shop/platform';
import { isUniqueViolation, translatePrismaError } from './prisma-errors';

/** The shape Prisma 7's client throws for a statement the database refused. */
function known(code: string, meta: object = {}) {
  return Object.assign(new Error('Invalid `prisma.user.findUnique()` invocation'), {
    name: 'PrismaClientKnownRequestError',
    code,
    meta,
  });
}

const refusedByDatabase = (originalCode: string) =>
  known('P2039', {
    modelName: 'User',
    driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode, kind: 'postgres' } },
  });

describe('translatePrismaError', () => {
  it('makes text the database cannot store (a NUL, bytes that are not UTF-8) BAD_USER_INPUT', () => {
    for (const code of ['22021', '22P05']) {
      const translated = translatePrismaError(refusedByDatabase(code));
      expect(translated).toBeInstanceOf(BadUserInputError);
      expect(translated?.message).not.toMatch(/prisma|invocation/i);
    }
  });

  it('names the fields of the unique constraint a write broke, as Prisma 7 reports it', () => {
    const violation = (constraint: object) =>
      known('P2002', {
        modelName: 'Order',
        driverAdapterError: { cause: { originalCode: '23505', constraint } },
      });
    const byIndex = translatePrismaError(violation({ index: 'Order_userId_idempotencyKey_key' }));
    expect(byIndex).toBeInstanceOf(ConflictError);
    expect(byIndex?.message).toBe('A record with the same userId, idempotencyKey already exists');
    expect(byIndex?.extensions).toMatchObject({ fields: ['userId', 'idempotencyKey'] });
    expect(translatePrismaError(violation({ fields: ['email'] }))?.message).toBe(
      'A record with the same email already exists',
    );
  });

  it('keeps unique violations CONFLICT and missing records NOT_FOUND', () => {
    expect(translatePrismaError(known('P2002', { target: ['email'] }))).toBeInstanceOf(
      ConflictError,
    );
    expect(translatePrismaError(known('P2025', { modelName: 'Order' }))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it('leaves other database refusals and other errors internal', () => {
    expect(translatePrismaError(refusedByDatabase('40001'))).toBeUndefined();
    expect(translatePrismaError(new Error('boom'))).toBeUndefined();
  });
});

describe('isUniqueViolation', () => {
  it('is true for a broken unique constraint only', () => {
    expect(isUniqueViolation(known('P2002', { modelName: 'Order' }))).toBe(true);
    expect(isUniqueViolation(known('P2025'))).toBe(false);
    expect(isUniqueViolation(refusedByDatabase('22021'))).toBe(false);
    expect(isUniqueViolation(new Error('P2002'))).toBe(false);
  });
});
