// Login: the scrypt cost of one password check on one core, and Login
// mutations through the router on the embedded stack.
import { load } from '../lib/load.mjs';
import { root, stackSource } from '../lib/stack-process.mjs';

const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken refreshToken user { id email name role } } }`;

export async function login({ seconds = 10, stacks = stackSource('fresh') } = {}) {
  const { hashPassword, verifyPassword } = await import(
    `${root}/subgraphs/users/dist/password/password.service.js`
  );
  const stored = await hashPassword('customer-dev-password');
  const rounds = 20;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  for (let i = 0; i < rounds; i++) await verifyPassword('customer-dev-password', stored);
  const cpu = process.cpuUsage(cpuBefore);
  const kdfCpuMs = (cpu.user + cpu.system) / 1000 / rounds;
  const kdfWallMs = (performance.now() - wallBefore) / rounds;

  const stack = await stacks.start();
  try {
    const result = await load({
      url: stack.url,
      body: {
        query: LOGIN,
        variables: { email: 'ada@shop.local', password: 'customer-dev-password' },
      },
      connections: 4,
      seconds,
      isError: (body) => Boolean(body.errors),
    });
    return {
      scenario: 'login (embedded stack)',
      kdfCpuMsPerLogin: Number(kdfCpuMs.toFixed(1)),
      kdfWallMsPerLogin: Number(kdfWallMs.toFixed(1)),
      ...result,
      peakMemoryMiB: Math.round(stack.peakMemoryBytes() / 2 ** 20),
    };
  } finally {
    await stack.stop();
  }
}
