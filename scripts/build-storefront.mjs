// Builds the storefront and GraphiQL (clients/storefront/dist) with Vite when
// their sources changed since the last build (a hash kept in dist), so a warm
// `npm start` does not pay for it; `--force` builds anyway.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = path.join(root, 'clients/storefront');
const outDir = path.join(app, 'dist');
// A dotfile: the router never serves those.
const stamp = path.join(outDir, '.source-hash');

/** Everything the bundle is made from: the app, the typed contract, and the locked dependencies. */
function sources() {
  const files = readdirSync(path.join(app, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
  return [
    ...files.sort(),
    ...['index.html', 'graphiql.html', 'vite.config.mts', 'package.json'].map((name) =>
      path.join(app, name),
    ),
    path.join(root, 'clients/generated/operations.ts'),
    path.join(root, 'package-lock.json'),
  ];
}

const hash = createHash('sha256');
for (const file of sources()) hash.update(file).update(readFileSync(file));
const digest = hash.digest('hex');

if (
  process.argv.includes('--force') ||
  !existsSync(stamp) ||
  readFileSync(stamp, 'utf8') !== digest
) {
  const started = performance.now();
  await build({ root: app, configFile: path.join(app, 'vite.config.mts'), logLevel: 'warn' });
  writeFileSync(stamp, digest);
  console.log(`storefront: built in ${((performance.now() - started) / 1000).toFixed(1)}s`);
}
