// Runs the Prisma CLI offline for one subgraph's schema; resolves with its output.
//
// Two CLIs, because no single one does both offline (only the npm registry is
// reachable here, and Prisma's native engines come from elsewhere):
// - `prisma` (7.x) generates the clients. Generating needs no schema engine,
//   but the CLI looks for its native binary first; pointing it at `true`
//   satisfies that look-up without a download.
// - `prisma-6` (6.19.3, an npm alias) runs `migrate diff` on its
//   WebAssembly schema engine (`engine: 'js'` in prisma/migrate-diff.config.ts);
//   Prisma 7 dropped that engine and needs the native one. 6.19 reads the
//   client's engine type and the datasource URL from the schema, which Prisma
//   7 schemas no longer carry, so it is handed a copy with both added.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
const generateCli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
const migrateDiffCli = path.join(root, 'node_modules', 'prisma-6', 'build', 'index.js');
const migrateDiffConfig = path.join(root, 'prisma', 'migrate-diff.config.ts');

const quietEnv = { CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
/** What the 7.x CLI is given as its schema engine: generating never runs it. */
const TRUE_BINARY = execFileSync('which', ['true'], { encoding: 'utf8' }).trim();

/** `prisma generate` for the subgraph's schema; resolves when it is written. */
export function generateClient(subgraph) {
  const schema = path.join('prisma', subgraph, 'schema.prisma');
  return run(generateCli, ['generate', '--schema', schema], subgraph, {
    PRISMA_SCHEMA: schema,
    PRISMA_SCHEMA_ENGINE_BINARY: TRUE_BINARY,
  });
}

/**
 * The SQL of `prisma migrate diff --script` from `from` (`empty`, or a
 * schema.prisma path) to the schema.prisma at `to`.
 */
export async function migrateDiff(subgraph, { from, to }) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'prisma-diff-'));
  try {
    const legacy = (file, name) => {
      const copy = path.join(scratch, name);
      writeFileSync(copy, asPrisma6Schema(readFileSync(path.resolve(root, file), 'utf8')));
      return copy;
    };
    const fromArgs =
      from === 'empty'
        ? ['--from-empty']
        : ['--from-schema-datamodel', legacy(from, 'from.prisma')];
    const toSchema = legacy(to, 'to.prisma');
    return await run(
      migrateDiffCli,
      [
        'migrate',
        'diff',
        '--config',
        migrateDiffConfig,
        ...fromArgs,
        '--to-schema-datamodel',
        toSchema,
        '--script',
      ],
      subgraph,
      { PRISMA_SCHEMA: toSchema },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * A Prisma 7 schema as Prisma 6.19 reads it offline: the client engine named
 * (else it fetches the native query engine) and a datasource URL (never
 * connected to). A schema that has them already (an old one from git) is
 * left as it is.
 */
function asPrisma6Schema(text) {
  let schema = text;
  if (!/^\s*engineType\s*=/m.test(schema)) {
    schema = schema.replace(
      /(generator\s+\w+\s*\{[^}]*?provider\s*=\s*"prisma-client-js")/,
      '$1\n  engineType = "client"',
    );
  }
  if (!/^\s*url\s*=/m.test(schema)) {
    schema = schema.replace(
      /(datasource\s+\w+\s*\{[^}]*?provider\s*=\s*"postgresql")/,
      '$1\n  url = "postgresql://127.0.0.1/unused"',
    );
  }
  return schema;
}

/** Runs a Prisma CLI; resolves with its output, or rejects (its stderr printed). */
function run(cli, args, subgraph, env) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: root, encoding: 'utf8', env: { ...process.env, ...quietEnv, ...env } },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        process.stderr.write(stderr || String(error));
        reject(new Error(`prisma ${args.slice(0, 2).join(' ')} failed for ${subgraph}`));
      },
    );
  });
}
