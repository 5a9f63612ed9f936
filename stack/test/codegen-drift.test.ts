import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const repoRoot = path.resolve(__dirname, '../..');
const run = promisify(execFile);

describe('generated client code is up to date', () => {
  // The generator is ESM inside, so it runs as a process: --check regenerates
  // in memory and fails on any difference (stale output, or an operation
  // that no longer validates against clients/schema.graphql).
  it('clients/generated matches what scripts/codegen.mjs produces from the contract', async () => {
    await expect(
      run(process.execPath, ['scripts/codegen.mjs', '--check'], { cwd: repoRoot }),
    ).resolves.toBeDefined();
  }, 60_000);
});
