import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  parsePasswordHash,
  verifyPassword,
} from './password.service';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salts every hash, so the same password hashes differently', async () => {
    const [first, second] = await Promise.all([
      hashPassword('same password'),
      hashPassword('same password'),
    ]);
    expect(first).not.toBe(second);
    await expect(verifyPassword('same password', first)).resolves.toBe(true);
    await expect(verifyPassword('same password', second)).resolves.toBe(true);
  });

  it('stores scrypt$N$r$p$salt$hash with N=2^14, r=8, p=1, a 16-byte salt and a 32-byte key', async () => {
    const stored = await hashPassword('s3cret-password');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/);
    const parsed = parsePasswordHash(stored);
    expect(parsed).toMatchObject({ N: 16384, r: 8, p: 1 });
    expect(parsed.salt).toHaveLength(16);
    expect(parsed.hash).toHaveLength(32);
  });

  it('treats Unicode forms of the same password alike', async () => {
    const stored = await hashPassword('caf\u00e9-latte');
    await expect(verifyPassword('cafe\u0301-latte', stored)).resolves.toBe(true);
  });

  it('refuses stored values that are not scrypt hashes, or whose cost is out of bounds', async () => {
    const stored = await hashPassword('password');
    const [, , , , salt, hash] = stored.split('$');
    for (const bad of [
      'plaintext',
      `bcrypt$16384$8$1$${salt}$${hash}`,
      `scrypt$1000$8$1$${salt}$${hash}`,
      `scrypt$${2 ** 30}$8$1$${salt}$${hash}`,
      `scrypt$16384$8$1$$${hash}`,
      `scrypt$16384$8$1$${salt}$not base64!`,
    ]) {
      expect(() => parsePasswordHash(bad)).toThrow('scrypt$N$r$p$salt$hash');
      await expect(verifyPassword('password', bad)).rejects.toThrow();
    }
  });

  it('keeps the dummy hash at the cost of real hashes, so unknown emails take as long', async () => {
    const { N, r, p, salt, hash } = parsePasswordHash(await hashPassword('any password'));
    expect(parsePasswordHash(DUMMY_PASSWORD_HASH)).toMatchObject({ N, r, p });
    expect(parsePasswordHash(DUMMY_PASSWORD_HASH).salt).toHaveLength(salt.length);
    expect(parsePasswordHash(DUMMY_PASSWORD_HASH).hash).toHaveLength(hash.length);
    await expect(verifyPassword('admin-dev-password', DUMMY_PASSWORD_HASH)).resolves.toBe(false);
  });
});
