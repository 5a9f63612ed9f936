import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isUniqueViolation } from '@shop/federation';
import type { AccessTokenIssuer } from '@shop/identity';
import {
  BadUserInputError,
  ConflictError,
  UnauthenticatedError,
  type Logger,
  characterCount,
  trimmedText,
} from '@shop/platform';
import { Role, type Database, type Prisma, type UsersOutbox } from '../db';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../password/password.service';
import { normalizeEmail } from '../user/email';
import { userColumns } from '../user/user.service';
import type { User } from '../user/user.type';
import type { AuthPayload } from './auth-payload.type';
import type { LoginThrottle } from './login-throttle';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { recordRegistered } from '../user/user-registered';
import type { RegisterInput } from './register.input';

/** One message for an unknown email and a wrong password, so neither tells which. */
const INVALID_LOGIN = 'Invalid email or password';
const INVALID_REFRESH_TOKEN = 'Invalid or expired refresh token';
const DAY_MS = 86_400_000;

export interface SessionSettings {
  accessTokens: AccessTokenIssuer;
  refreshTokenTtlDays: number;
}

type RefreshOutcome =
  | { kind: 'rotated'; user: User; refreshToken: string }
  | { kind: 'refused' }
  | { kind: 'reused'; userId: string; familyId: string };

/**
 * Accounts and sessions. A session is a family of refresh tokens that rotate:
 * each use replaces the token by a new one of the family, and presenting a
 * replaced token (someone else holds a copy) revokes the whole family.
 */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly outbox: UsersOutbox,
    private readonly settings: SessionSettings,
    private readonly loginThrottle: LoginThrottle,
    private readonly log: Logger,
  ) {}

  /**
   * Creates a CUSTOMER (the only role a sign-up gets), announced by
   * UserRegistered, and opens its first session.
   */
  async register(input: RegisterInput): Promise<AuthPayload> {
    const { email, password, name } = validRegistration(input);
    const { prisma } = this.db;
    const taken = await prisma.user.findUnique({ where: { email }, select: { id: true } });
    if (taken) throw emailTaken();
    const passwordHash = await hashPassword(password);
    const { user, refreshToken } = await prisma
      .$transaction(async (tx) => {
        const user = await tx.user.create({
          data: { email, name, passwordHash, role: Role.CUSTOMER },
          select: userColumns,
        });
        await recordRegistered(this.outbox, tx, user);
        return { user, refreshToken: await this.storeRefreshToken(tx, user.id, randomUUID()) };
      })
      .catch((error: unknown) => {
        // Another registration with this email committed between the check and the insert.
        throw isUniqueViolation(error) ? emailTaken() : error;
      });
    this.outbox.committed();
    return this.payload(user, refreshToken);
  }

  /** RATE_LIMITED, before any password check, while the email has failed too often. */
  async login(email: string, password: string): Promise<AuthPayload> {
    const normalized = normalizeEmail(email);
    await this.loginThrottle.begin(normalized);
    const account = await this.db.prisma.user.findUnique({
      where: { email: normalized },
      select: { ...userColumns, passwordHash: true },
    });
    const matches = await verifyPassword(password, account?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!account || !matches) throw new UnauthenticatedError(INVALID_LOGIN);
    await this.loginThrottle.succeeded(normalized);
    const { passwordHash: _hash, ...user } = account;
    const refreshToken = await this.storeRefreshToken(this.db.prisma, user.id, randomUUID());
    return this.payload(user, refreshToken);
  }

  /** Trades a refresh token for a new pair; the presented token stops working. */
  async refresh(presented: string): Promise<AuthPayload> {
    const outcome = await this.rotate(hashRefreshToken(presented), new Date());
    if (outcome.kind === 'reused') {
      this.log.warn(
        { userId: outcome.userId, familyId: outcome.familyId },
        'a replaced refresh token was presented again: its session is revoked',
      );
    }
    if (outcome.kind !== 'rotated') throw new UnauthenticatedError(INVALID_REFRESH_TOKEN);
    return this.payload(outcome.user, outcome.refreshToken);
  }

  /** Ends the token's session. Always true, so logout tells nothing about a token. */
  async logout(presented: string): Promise<boolean> {
    const { prisma } = this.db;
    const token = await prisma.refreshToken.findUnique({
      where: { tokenHash: hashRefreshToken(presented) },
      select: { familyId: true },
    });
    if (token) await this.revokeFamily(prisma, token.familyId, new Date());
    return true;
  }

  /**
   * One transaction, so a concurrent second use of the same token cannot also
   * win: the claim is a conditional update, and PostgreSQL makes the loser
   * wait for the winner and then find the token already replaced.
   */
  private rotate(tokenHash: string, now: Date): Promise<RefreshOutcome> {
    return this.db.prisma.$transaction(async (tx): Promise<RefreshOutcome> => {
      const current = await tx.refreshToken.findUnique({
        where: { tokenHash },
        select: {
          id: true,
          familyId: true,
          expiresAt: true,
          replacedAt: true,
          revokedAt: true,
          user: { select: userColumns },
        },
      });
      if (!current) return { kind: 'refused' };
      const reused = {
        kind: 'reused',
        userId: current.user.id,
        familyId: current.familyId,
      } as const;
      if (current.replacedAt) {
        await this.revokeFamily(tx, current.familyId, now);
        return reused;
      }
      // A revocation that ran while this token was being issued missed it, not its family.
      const familyRevoked =
        current.revokedAt !== null ||
        (await tx.refreshToken.count({
          where: { familyId: current.familyId, revokedAt: { not: null } },
        })) > 0;
      if (familyRevoked) {
        await this.revokeFamily(tx, current.familyId, now);
        return { kind: 'refused' };
      }
      if (current.expiresAt <= now) return { kind: 'refused' };
      const claimed = await tx.refreshToken.updateMany({
        where: { id: current.id, replacedAt: null, revokedAt: null },
        data: { replacedAt: now },
      });
      if (claimed.count !== 1) {
        await this.revokeFamily(tx, current.familyId, now);
        return reused;
      }
      const refreshToken = await this.storeRefreshToken(tx, current.user.id, current.familyId);
      return { kind: 'rotated', user: current.user, refreshToken };
    });
  }

  private async revokeFamily(
    client: Prisma.TransactionClient,
    familyId: string,
    now: Date,
  ): Promise<void> {
    await client.refreshToken.updateMany({
      where: { familyId, revokedAt: null },
      data: { revokedAt: now },
    });
  }

  /** Stores the hash of a new token of the family; returns the token, which is never stored. */
  private async storeRefreshToken(
    client: Prisma.TransactionClient,
    userId: string,
    familyId: string,
  ): Promise<string> {
    const { token, tokenHash } = newRefreshToken();
    await client.refreshToken.create({
      data: {
        userId,
        familyId,
        tokenHash,
        expiresAt: new Date(Date.now() + this.settings.refreshTokenTtlDays * DAY_MS),
      },
      select: { id: true },
    });
    return token;
  }

  private async payload(user: User, refreshToken: string): Promise<AuthPayload> {
    const { token } = await this.settings.accessTokens.issue(user);
    // The request is anonymous (or someone else's), but this payload is the user's own.
    return { accessToken: token, refreshToken, user: { ...user, viewedBySelf: true } };
  }
}

function emailTaken(): ConflictError {
  return new ConflictError('An account with this email already exists', { field: 'email' });
}

const emailFormat = z.email();

function validRegistration(input: RegisterInput): RegisterInput {
  const email = normalizeEmail(input.email);
  if (email.length > 254 || !emailFormat.safeParse(email).success) {
    throw new BadUserInputError('email must be a valid email address', { field: 'email' });
  }
  const passwordLength = characterCount(input.password);
  if (passwordLength < 8 || passwordLength > 128) {
    throw new BadUserInputError('password must be 8 to 128 characters long', {
      field: 'password',
    });
  }
  return { email, password: input.password, name: trimmedText(input.name, 'name', 1, 100) };
}
