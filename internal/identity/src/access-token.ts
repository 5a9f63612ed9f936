import { errors, importPKCS8, importSPKI, jwtVerify, SignJWT, type KeyLike } from 'jose';
import { scopesForRole, type Identity, type Role } from './identity';

/** Access tokens are EdDSA (Ed25519) JWTs: users signs, the router verifies with the public key. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

export interface TokenAudience {
  issuer: string;
  audience: string;
}

export class InvalidAccessTokenError extends Error {
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
  }
}

export interface AccessTokenIssuer {
  issue(user: { id: string; role: Role }): Promise<{ token: string; expiresAt: Date }>;
}

export async function createAccessTokenIssuer(
  privateKeyPem: string,
  settings: TokenAudience & { ttlSeconds: number },
): Promise<AccessTokenIssuer> {
  const key = await importPKCS8(privateKeyPem, ACCESS_TOKEN_ALGORITHM);
  return {
    async issue(user) {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        role: user.role,
        scope: scopesForRole(user.role).join(' '),
      })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt(now)
        .setExpirationTime(now + settings.ttlSeconds)
        .sign(key);
      return { token, expiresAt: new Date((now + settings.ttlSeconds) * 1000) };
    },
  };
}

export interface AccessTokenVerifier {
  /** The identity a valid token stands for; throws InvalidAccessTokenError otherwise. */
  verify(token: string): Promise<{ identity: Identity; expiresAt: Date }>;
}

export async function createAccessTokenVerifier(
  publicKeyPem: string,
  settings: TokenAudience,
): Promise<AccessTokenVerifier> {
  const key: KeyLike = await importSPKI(publicKeyPem, ACCESS_TOKEN_ALGORITHM);
  return {
    async verify(token) {
      try {
        // Only EdDSA: `alg: none` and HMAC tokens made with the public key as a secret are refused.
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: settings.issuer,
          audience: settings.audience,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        const role = payload.role;
        if (typeof payload.sub !== 'string' || (role !== 'CUSTOMER' && role !== 'ADMIN')) {
          throw new InvalidAccessTokenError('Access token has no valid subject or role');
        }
        const scopes =
          typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
        return {
          identity: { kind: 'user', userId: payload.sub, role, scopes },
          expiresAt: new Date((payload.exp as number) * 1000),
        };
      } catch (error) {
        if (error instanceof InvalidAccessTokenError) throw error;
        if (error instanceof errors.JWTExpired)
          throw new InvalidAccessTokenError('Access token expired', true);
        throw new InvalidAccessTokenError('Invalid access token');
      }
    },
  };
}
