// Runs the Prisma CLI offline for one subgraph's schema and returns stdout.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');

export function runPrisma(subgraph, args) {
  try {
    return execFileSync(process.execPath, [cli, ...args], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        // The CLI reads the datasource URL to learn the client's engine type,
        // even for commands that never connect.
        [`DATABASE_URL_${subgraph.toUpperCase()}`]: 'postgresql://127.0.0.1/unused',
        ...process.env,
        PRISMA_SCHEMA: path.join('prisma', subgraph, 'schema.prisma'),
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
    });
  } catch (error) {
    process.stderr.write(String(error.stderr ?? error));
    throw new Error(`prisma ${args.slice(0, 2).join(' ')} failed for ${subgraph}`);
  }
}
