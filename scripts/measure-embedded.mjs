// Measures the embedded default as a person meets it: `npm start` from an
// installed checkout (build included) to "Supergraph ready", on a fresh data
// directory (migrations and seed included), then peak RSS while serving
// ProductPage. Usage: npm run measure:embedded  [-- --keep-build]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
if (!process.argv.includes('--keep-build')) {
  // As after `npm ci`: no compiled output, no generated Prisma clients.
  execFileSync(
    'bash',
    ['-c', 'rm -rf internal/*/dist subgraphs/*/dist subgraphs/*/generated router/dist stack/dist'],
    { cwd: root },
  );
}
const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-measure-'));
const ports = Object.fromEntries(
  [
    'PORT',
    'USERS_PORT',
    'PRODUCTS_PORT',
    'ORDERS_PORT',
    'PAYMENTS_PORT',
    'INVENTORY_PORT',
    'SEARCH_PORT',
  ].map((k) => [k, '0']),
);
const started = performance.now();
const child = spawn('npm', ['start', '--silent'], {
  cwd: root,
  env: { ...process.env, ...ports, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  detached: true,
});

/** Peak resident memory of every process npm start spawned (VmHWM per process, summed). */
function peakRssBytes() {
  const pids = execFileSync('bash', ['-c', `pgrep -g ${child.pid} || true`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  let total = 0;
  for (const pid of pids) {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return total;
}

const url = await new Promise((resolve, reject) => {
  let output = '';
  const onData = (chunk) => {
    output += chunk;
    const match = /Supergraph ready in [\d.]+s at (\S+)/.exec(output);
    if (match) resolve(match[1]);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
});
const startupSeconds = (performance.now() - started) / 1000;

const query = `query ProductPage($id: ID!) { product(id: $id) { id name price { amount currency }
  category { name } reviews(first: 5) { edges { node { rating author { name } } } } inventory { available inStock } } }`;
const list = await (
  await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ products(first: 50) { edges { node { id } } } }' }),
  })
).json();
const ids = list.data.products.edges.map((edge) => edge.node.id);
for (let round = 0; round < 20; round++) {
  await Promise.all(
    ids.map((id) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: { id } }),
      }).then((response) => response.text()),
    ),
  );
}
const rss = peakRssBytes();
process.kill(-child.pid, 'SIGTERM');
rmSync(dataDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    startupSeconds: Number(startupSeconds.toFixed(1)),
    peakRssMiB: Math.round(rss / 1024 / 1024),
    productPageRequests: ids.length * 20,
  }),
);
