// Generates each subgraph's Prisma client when its schema changed since the
// last run, or Prisma did (a hash of both beside the output), so `npm start`
// stays fast.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { generateClient, root } from './prisma-cli.mjs';

const force = process.argv.includes('--force');
const prismaVersion = JSON.parse(
  readFileSync(path.join(root, 'node_modules', 'prisma', 'package.json'), 'utf8'),
).version;

const stale = [];
for (const entry of readdirSync(path.join(root, 'prisma'), { withFileTypes: true })) {
  const schema = path.join(root, 'prisma', entry.name, 'schema.prisma');
  if (!entry.isDirectory() || !existsSync(schema)) continue;
  const stamp = path.join(root, 'subgraphs', entry.name, 'generated', 'prisma', '.schema-hash');
  const hash = createHash('sha256')
    .update(readFileSync(schema))
    .update(prismaVersion)
    .digest('hex');
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) continue;
  stale.push({ subgraph: entry.name, stamp, hash });
}

// One CLI process per client, as many at once as there are cores: each spends
// about a second starting up, which a cold build would otherwise pay six times over.
const queue = [...stale];
const worker = async () => {
  for (let next = queue.shift(); next; next = queue.shift()) {
    await generateClient(next.subgraph);
    writeFileSync(next.stamp, next.hash);
    console.log(`prisma: generated the ${next.subgraph} client`);
  }
};
await Promise.all(Array.from({ length: availableParallelism() }, worker));
