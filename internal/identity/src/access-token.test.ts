import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8, UnsecuredJWT } from 'jose';
import {
  createAccessTokenIssuer,
  createAccessTokenVerifier,
  developmentKeyPair,
  InvalidAccessTokenError,
} from './index';

const audience = { issuer: 'shop-users', audience: 'shop-supergraph' };
const keys = developmentKeyPair();

async function verifier() {
  return createAccessTokenVerifier(keys.publicKeyPem, audience);
}

async function rejectionOf(token: string): Promise<InvalidAccessTokenError> {
  const error = await (await verifier()).verify(token).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidAccessTokenError);
  return error as InvalidAccessTokenError;
}

describe('access tokens', () => {
  it('round-trips a user with role and scopes', async () => {
    const issuer = await createAccessTokenIssuer(keys.privateKeyPem, {
      ...audience,
      ttlSeconds: 900,
    });
    const { token, expiresAt } = await issuer.issue({ id: 'user-1', role: 'ADMIN' });
    const { identity } = await (await verifier()).verify(token);
    expect(identity).toEqual({
      kind: 'user',
      userId: 'user-1',
      role: 'ADMIN',
      scopes: ['customer', 'admin'],
    });
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(890_000);
  });

  it('refuses a token whose payload was changed', async () => {
    const issuer = await createAccessTokenIssuer(keys.privateKeyPem, {
      ...audience,
      ttlSeconds: 900,
    });
    const { token } = await issuer.issue({ id: 'user-1', role: 'CUSTOMER' });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...claims, role: 'ADMIN', scope: 'customer admin' }),
    ).toString('base64url');
    await rejectionOf(`${header}.${forged}.${signature}`);
  });

  it('refuses alg: none', async () => {
    const unsigned = new UnsecuredJWT({ role: 'ADMIN', scope: 'admin' })
      .setSubject('user-1')
      .setIssuer(audience.issuer)
      .setAudience(audience.audience)
      .setIssuedAt()
      .setExpirationTime('15m')
      .encode();
    await rejectionOf(unsigned);
  });

  it('refuses a token signed with another key', async () => {
    const other = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const issuer = await createAccessTokenIssuer(other, { ...audience, ttlSeconds: 900 });
    await rejectionOf((await issuer.issue({ id: 'user-1', role: 'ADMIN' })).token);
  });

  it('refuses an HMAC token keyed with the public key (algorithm confusion)', async () => {
    const token = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setIssuer(audience.issuer)
      .setAudience(audience.audience)
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(Buffer.from(keys.publicKeyPem));
    await rejectionOf(token);
  });

  it('refuses an expired token and says so', async () => {
    const key = await importPKCS8(keys.privateKeyPem, 'EdDSA');
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = await new SignJWT({ role: 'CUSTOMER' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('user-1')
      .setIssuer(audience.issuer)
      .setAudience(audience.audience)
      .setIssuedAt(past)
      .setExpirationTime(past + 900)
      .sign(key);
    expect((await rejectionOf(token)).expired).toBe(true);
  });

  it('refuses another issuer or audience', async () => {
    for (const settings of [
      { issuer: 'someone-else', audience: audience.audience },
      { issuer: audience.issuer, audience: 'another-api' },
    ]) {
      const issuer = await createAccessTokenIssuer(keys.privateKeyPem, {
        ...settings,
        ttlSeconds: 900,
      });
      await rejectionOf((await issuer.issue({ id: 'user-1', role: 'CUSTOMER' })).token);
    }
  });

  it('refuses garbage', async () => {
    await rejectionOf('not.a.jwt');
    await rejectionOf('');
  });
});
