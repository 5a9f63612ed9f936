import { createHash } from 'node:crypto';
import { createAccessTokenVerifier, developmentKeyPair } from '@shop/identity';
import { seedAdminId, seedData } from '@shop/seed';
import { graphqlRequest, identityHeaders, queryTestDatabase } from '@shop/testing';
import { startUsersSubgraph } from '@shop/users';
import * as passwords from '../src/password/password.service';
import { ANONYMOUS, errorCodes, startTestUsersSubgraph } from './users-subgraph';

interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string | null; name: string; role: string | null };
}

const SESSION = 'accessToken refreshToken user { id email name role }';
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${SESSION} } }`;
const LOGIN = `mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { ${SESSION} }
}`;
const REFRESH = `mutation($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { ${SESSION} } }`;
const LOGOUT = 'mutation($refreshToken: String!) { logout(refreshToken: $refreshToken) }';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

describe('accounts: register, login, refresh and logout (real PostgreSQL)', () => {
  let users: Awaited<ReturnType<typeof startTestUsersSubgraph>>;
  const verifier = createAccessTokenVerifier(developmentKeyPair().publicKeyPem, {
    issuer: 'shop-users',
    audience: 'shop-supergraph',
  });

  beforeAll(async () => {
    users = await startTestUsersSubgraph();
  });
  afterAll(() => users.subgraph.stop());
  afterEach(() => jest.restoreAllMocks());

  let registered = 0;
  /** A fresh customer each time, so tests do not share sessions. */
  const newAccount = () => {
    registered += 1;
    return {
      email: `customer-${registered}@example.com`,
      password: `password-${registered}`,
      name: `Customer ${registered}`,
    };
  };

  const register = (input: Record<string, unknown>) =>
    users.call<{ register: Session }>(ANONYMOUS, REGISTER, { input });
  const login = (email: string, password: string) =>
    users.call<{ login: Session }>(ANONYMOUS, LOGIN, { email, password });
  const refresh = (refreshToken: string) =>
    users.call<{ refreshToken: Session }>(ANONYMOUS, REFRESH, { refreshToken });
  const logout = (refreshToken: string) =>
    users.call<{ logout: boolean }>(ANONYMOUS, LOGOUT, { refreshToken });

  const signIn = async (): Promise<Session> => {
    const response = await register(newAccount());
    expect(response.errors).toBeUndefined();
    return response.data!.register;
  };
  const refreshed = async (refreshToken: string): Promise<Session> => {
    const response = await refresh(refreshToken);
    expect(response.errors).toBeUndefined();
    return response.data!.refreshToken;
  };
  const expectRefused = async (refreshToken: string) => {
    const response = await refresh(refreshToken);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.errors![0]!.message).toBe('Invalid or expired refresh token');
  };
  const familyOf = (refreshToken: string) =>
    queryTestDatabase<{ tokenHash: string; replacedAt: Date | null; revokedAt: Date | null }>(
      users.databaseUrl,
      `SELECT "tokenHash", "replacedAt", "revokedAt" FROM "RefreshToken"
       WHERE "familyId" = (SELECT "familyId" FROM "RefreshToken" WHERE "tokenHash" = $1)`,
      [sha256(refreshToken)],
    );

  describe('register', () => {
    it('creates a CUSTOMER with a normalised email and signs it in', async () => {
      const response = await register({
        email: '  New.Customer@Example.COM ',
        password: 'a-good-password',
        name: '  New Customer ',
      });

      expect(response.errors).toBeUndefined();
      const session = response.data!.register;
      expect(session.user).toEqual({
        id: expect.any(String),
        email: 'new.customer@example.com',
        name: 'New Customer',
        role: 'CUSTOMER',
      });
      expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const { identity, expiresAt } = await (await verifier).verify(session.accessToken);
      expect(identity).toEqual({
        kind: 'user',
        userId: session.user.id,
        role: 'CUSTOMER',
        scopes: ['customer'],
      });
      expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(890_000);
      expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(900_000);

      const [row] = await queryTestDatabase<{ email: string; role: string; passwordHash: string }>(
        users.databaseUrl,
        `SELECT email, role, "passwordHash" FROM "User" WHERE id = $1`,
        [session.user.id],
      );
      expect(row).toMatchObject({ email: 'new.customer@example.com', role: 'CUSTOMER' });
      await expect(passwords.verifyPassword('a-good-password', row!.passwordHash)).resolves.toBe(
        true,
      );
    });

    it('stores a refresh token that lasts REFRESH_TOKEN_TTL_DAYS', async () => {
      const session = await signIn();
      const [token] = await queryTestDatabase<{ userId: string; expiresAt: Date }>(
        users.databaseUrl,
        `SELECT "userId", "expiresAt" FROM "RefreshToken" WHERE "tokenHash" = $1`,
        [sha256(session.refreshToken)],
      );
      expect(token!.userId).toBe(session.user.id);
      const days = (token!.expiresAt.getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.99);
      expect(days).toBeLessThanOrEqual(7);
    });

    it('refuses an email already taken, whatever its case, with CONFLICT', async () => {
      const account = newAccount();
      expect((await register(account)).errors).toBeUndefined();
      const before = await users.count('User');

      const again = await register({ ...account, email: ` ${account.email.toUpperCase()} ` });

      expect(errorCodes(again)).toEqual(['CONFLICT']);
      expect(again.errors![0]!.message).toBe('An account with this email already exists');
      expect(await users.count('User')).toBe(before);
    });

    it('lets only one of two simultaneous registrations with one email through', async () => {
      const account = newAccount();
      const responses = await Promise.all([
        register(account),
        register({ ...account, email: account.email.toUpperCase() }),
      ]);
      expect(responses.map(errorCodes).sort()).toEqual([[], ['CONFLICT']]);
      // The unique index answers like the check before it when both registrations pass the check.
      expect(responses.flatMap((response) => response.errors ?? [])).toEqual([
        expect.objectContaining({ message: 'An account with this email already exists' }),
      ]);
      const [row] = await queryTestDatabase<{ count: string }>(
        users.databaseUrl,
        'SELECT count(*) FROM "User" WHERE email = $1',
        [account.email],
      );
      expect(Number(row!.count)).toBe(1);
    });

    it('refuses a password shorter than 8 or longer than 128 characters and writes nothing', async () => {
      const before = {
        users: await users.count('User'),
        tokens: await users.count('RefreshToken'),
      };
      for (const password of ['seven77', '', 'x'.repeat(129)]) {
        const response = await register({ ...newAccount(), password });
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        expect(response.errors![0]!.extensions).toMatchObject({ field: 'password' });
      }
      expect(await users.count('User')).toBe(before.users);
      expect(await users.count('RefreshToken')).toBe(before.tokens);
      // Exactly 8 and 128 are allowed; length counts characters, not UTF-16 units.
      for (const password of ['eight888', 'x'.repeat(128), '🔑'.repeat(8)]) {
        expect((await register({ ...newAccount(), password })).errors).toBeUndefined();
      }
    });

    it('refuses an invalid email or name with BAD_USER_INPUT', async () => {
      const before = await users.count('User');
      for (const [field, value] of [
        ['email', 'not-an-email'],
        ['email', 'two@@example.com'],
        ['email', '   '],
        ['email', `${'a'.repeat(250)}@example.com`],
        ['name', '   '],
        ['name', 'n'.repeat(101)],
      ] as const) {
        const response = await register({ ...newAccount(), [field]: value });
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        expect(response.errors![0]!.extensions).toMatchObject({ field });
      }
      expect(await users.count('User')).toBe(before);
    });

    it('has no way to ask for a role: the input refuses one', async () => {
      const response = await register({ ...newAccount(), role: 'ADMIN' });
      expect(response.data).toBeUndefined();
      expect(response.errors![0]!.message).toMatch(/"role" is not defined by type "RegisterInput"/);
    });
  });

  describe('login', () => {
    it('signs in the seeded admin and a seeded customer with their seeded passwords', async () => {
      const admin = await login('Admin@Shop.Local', 'admin-dev-password');
      expect(admin.errors).toBeUndefined();
      expect(admin.data!.login.user).toEqual({
        id: seedAdminId('admin@shop.local'),
        email: 'admin@shop.local',
        name: 'Store Admin',
        role: 'ADMIN',
      });
      const { identity } = await (await verifier).verify(admin.data!.login.accessToken);
      expect(identity).toMatchObject({ userId: seedAdminId('admin@shop.local'), role: 'ADMIN' });

      const seeded = seedData.users[0]!;
      const customer = await login(seeded.email, seeded.password);
      expect(customer.errors).toBeUndefined();
      expect(customer.data!.login.user).toMatchObject({ id: seeded.id, role: 'CUSTOMER' });
    });

    it('answers an unknown email and a wrong password alike, checking a hash either way', async () => {
      const verify = jest.spyOn(passwords, 'verifyPassword');
      const unknown = await login('nobody@shop.local', 'admin-dev-password');
      expect(verify).toHaveBeenCalledWith('admin-dev-password', passwords.DUMMY_PASSWORD_HASH);
      const wrong = await login('admin@shop.local', 'not-the-password');
      expect(verify).toHaveBeenCalledTimes(2);

      for (const response of [unknown, wrong]) {
        expect(response.data).toBeNull();
        expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      }
      expect(unknown.errors![0]!.message).toBe('Invalid email or password');
      expect(wrong.errors![0]!.message).toBe(unknown.errors![0]!.message);
    });

    it('starts a new session each time', async () => {
      const account = newAccount();
      await register(account);
      const first = (await login(account.email, account.password)).data!.login;
      const second = (await login(account.email, account.password)).data!.login;
      const families = await queryTestDatabase<{ familyId: string }>(
        users.databaseUrl,
        `SELECT "familyId" FROM "RefreshToken" WHERE "tokenHash" IN ($1, $2)`,
        [sha256(first.refreshToken), sha256(second.refreshToken)],
      );
      expect(new Set(families.map((row) => row.familyId)).size).toBe(2);
    });
  });

  describe('refreshToken', () => {
    it('rotates: a new pair for the same user, and the old token stops working', async () => {
      const session = await signIn();

      const next = await refreshed(session.refreshToken);

      expect(next.refreshToken).not.toBe(session.refreshToken);
      expect(next.user).toEqual(session.user);
      const { identity } = await (await verifier).verify(next.accessToken);
      expect(identity).toMatchObject({ userId: session.user.id, role: 'CUSTOMER' });
      const third = await refreshed(next.refreshToken);
      expect(third.refreshToken).not.toBe(next.refreshToken);
      await expectRefused(session.refreshToken);
    });

    it('revokes the whole family when a rotated token is presented again', async () => {
      const session = await signIn();
      const second = await refreshed(session.refreshToken);
      const newest = await refreshed(second.refreshToken);

      await expectRefused(session.refreshToken);

      await expectRefused(newest.refreshToken);
      const family = await familyOf(session.refreshToken);
      expect(family).toHaveLength(3);
      expect(family.every((token) => token.revokedAt !== null)).toBe(true);
    });

    it('lets at most one of simultaneous uses of one token succeed', async () => {
      const session = await signIn();

      const responses = await Promise.all(
        Array.from({ length: 5 }, () => refresh(session.refreshToken)),
      );

      const successes = responses.filter((response) => response.errors === undefined);
      expect(successes.length).toBeLessThanOrEqual(1);
      expect(responses.flatMap(errorCodes).every((code) => code === 'UNAUTHENTICATED')).toBe(true);
      const live = (await familyOf(session.refreshToken)).filter(
        (token) => token.replacedAt === null && token.revokedAt === null,
      );
      expect(live.length).toBeLessThanOrEqual(1);
    });

    it('refuses an expired token', async () => {
      const session = await signIn();
      await queryTestDatabase(
        users.databaseUrl,
        `UPDATE "RefreshToken" SET "expiresAt" = now() - interval '1 second' WHERE "tokenHash" = $1`,
        [sha256(session.refreshToken)],
      );
      await expectRefused(session.refreshToken);
    });

    it('refuses an unknown token', async () => {
      await expectRefused('not-a-token-anyone-was-given');
      await expectRefused('');
    });

    it('refuses the successor of a token whose family was revoked while it was issued', async () => {
      const session = await signIn();
      const next = await refreshed(session.refreshToken);
      // What a revocation racing with the rotation leaves: the family revoked, the newest not.
      await queryTestDatabase(
        users.databaseUrl,
        `UPDATE "RefreshToken" SET "revokedAt" = now() WHERE "tokenHash" = $1`,
        [sha256(session.refreshToken)],
      );
      await expectRefused(next.refreshToken);
      expect((await familyOf(next.refreshToken)).every((token) => token.revokedAt)).toBe(true);
    });

    it('stores only SHA-256 hashes of refresh tokens', async () => {
      const session = await signIn();
      const next = await refreshed(session.refreshToken);
      const rows = await queryTestDatabase<Record<string, unknown>>(
        users.databaseUrl,
        'SELECT * FROM "RefreshToken"',
      );
      const stored = JSON.stringify(rows);
      for (const token of [session.refreshToken, next.refreshToken]) {
        expect(stored).not.toContain(token);
        expect(rows.some((row) => row.tokenHash === sha256(token))).toBe(true);
      }
    });
  });

  describe('logout', () => {
    it('revokes the session: its refresh token stops working', async () => {
      const session = await signIn();
      const next = await refreshed(session.refreshToken);

      const response = await logout(next.refreshToken);

      expect(response.errors).toBeUndefined();
      expect(response.data!.logout).toBe(true);
      await expectRefused(next.refreshToken);
      expect((await familyOf(next.refreshToken)).every((token) => token.revokedAt)).toBe(true);
    });

    it('answers true for a token it does not know, telling nothing', async () => {
      const response = await logout('not-a-token-anyone-was-given');
      expect(response.errors).toBeUndefined();
      expect(response.data!.logout).toBe(true);
    });

    it("leaves the user's other sessions alone", async () => {
      const account = newAccount();
      const first = (await register(account)).data!.register;
      const second = (await login(account.email, account.password)).data!.login;
      await logout(first.refreshToken);
      await expect(refreshed(second.refreshToken)).resolves.toMatchObject({
        user: { id: first.user.id },
      });
    });
  });

  describe('failed logins (issue #16: 237 wrong passwords in 30 s, no slowdown)', () => {
    /** LOGIN_ACCOUNT_FREE_FAILURES' default. */
    const FREE = 5;
    const sleep = (seconds: number) =>
      new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    /** What a client can tell apart: the error's code, message and retry-after. */
    const answerOf = (response: Awaited<ReturnType<typeof login>>) => ({
      data: response.data ?? null,
      errors: response.errors?.map(({ message, extensions }) => ({
        message,
        code: extensions?.code,
        retryAfterSeconds: extensions?.retryAfterSeconds,
      })),
    });
    const registered = async () => {
      const account = newAccount();
      expect((await register(account)).errors).toBeUndefined();
      return account;
    };

    it('refuses the attempt after the free failures with RATE_LIMITED, checking no password, then waits longer each time', async () => {
      const account = await registered();
      for (let failed = 0; failed < FREE; failed += 1) {
        expect(errorCodes(await login(account.email, 'wrong-password'))).toEqual([
          'UNAUTHENTICATED',
        ]);
      }
      const verify = jest.spyOn(passwords, 'verifyPassword');
      const refused = await login(account.email, account.password);
      expect(answerOf(refused)).toEqual({
        data: null,
        errors: [
          {
            message: 'Too many failed sign-ins; retry in 1 s',
            code: 'RATE_LIMITED',
            retryAfterSeconds: 1,
          },
        ],
      });
      expect(verify).not.toHaveBeenCalled();

      await sleep(1);
      expect(errorCodes(await login(account.email, 'wrong-password'))).toEqual(['UNAUTHENTICATED']);
      expect(answerOf(await login(account.email, account.password)).errors).toEqual([
        expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: 2 }),
      ]);
      expect(verify).toHaveBeenCalledTimes(1);
    });

    it('answers an unknown email as an existing account: the same answers, and the same work (one hash check per try)', async () => {
      const account = await registered();
      const verify = jest.spyOn(passwords, 'verifyPassword');
      const checksOf = async (email: string) => {
        const before = verify.mock.calls.length;
        const response = await login(email, 'wrong-password');
        return { answer: answerOf(response), hashChecks: verify.mock.calls.length - before };
      };
      const known: Awaited<ReturnType<typeof checksOf>>[] = [];
      const unknown: Awaited<ReturnType<typeof checksOf>>[] = [];
      for (let attempt = 0; attempt <= FREE; attempt += 1) {
        known.push(await checksOf(account.email));
        unknown.push(await checksOf(`nobody-${account.email}`));
      }
      // The same answers and the same work per try, so nothing (not even time, which a test on a
      // busy machine cannot judge) tells an unknown email from a known one.
      expect(unknown).toEqual(known);
      expect(known.map(({ hashChecks }) => hashChecks)).toEqual([
        ...Array<number>(FREE).fill(1),
        0,
      ]);
      expect(known.at(-1)!.answer.errors).toEqual([
        expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: 1 }),
      ]);
    });

    it('lets a successful login clear the account: the free failures start over', async () => {
      const account = await registered();
      for (let failed = 0; failed < FREE - 1; failed += 1) {
        await login(account.email, 'wrong-password');
      }
      expect((await login(account.email, account.password)).errors).toBeUndefined();
      const answers: unknown[] = [];
      for (let failed = 0; failed <= FREE; failed += 1) {
        answers.push(...errorCodes(await login(account.email, 'wrong-password')));
      }
      expect(answers).toEqual([...Array<string>(FREE).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
    });

    it('checks at most the free failures of a burst of simultaneous wrong passwords', async () => {
      const account = await registered();
      const verify = jest.spyOn(passwords, 'verifyPassword');
      const burst = await Promise.all(
        Array.from({ length: 3 * FREE }, () => login(account.email, 'wrong-password')),
      );
      const codes = burst.flatMap(errorCodes);
      expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(FREE);
      expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(2 * FREE);
      expect(verify).toHaveBeenCalledTimes(FREE);
    });

    it('shares the count between users instances on one database, keeping no email', async () => {
      const account = await registered();
      const second = await startUsersSubgraph(users.config);
      try {
        const onSecond = (password: string) =>
          graphqlRequest<{ login: Session }>(
            second.url,
            LOGIN,
            { email: account.email, password },
            identityHeaders(ANONYMOUS),
          );
        for (let failed = 0; failed < FREE; failed += 1) {
          const response = await (
            failed % 2 ? onSecond : (password: string) => login(account.email, password)
          )('wrong-password');
          expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
        }
        expect(errorCodes(await onSecond(account.password))).toEqual(['RATE_LIMITED']);
        expect(errorCodes(await login(account.email, account.password))).toEqual(['RATE_LIMITED']);
      } finally {
        await second.stop();
      }
      const rows = await queryTestDatabase(users.databaseUrl, 'SELECT * FROM "LoginThrottle"');
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(rows)).not.toContain('@example.com');
    });
  });
});
