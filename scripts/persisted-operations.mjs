// Writes clients/persisted-operations.json, the router's safelist manifest
// (SAFELIST_PATH): every contract operation the composed graph serves, keyed
// by the SHA-256 of its text, printed as codegen prints it for the clients
// (clients/generated), so the hash a client sends is the one listed here.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print } from 'graphql';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const contract = readFileSync(path.join(root, 'clients/contract/operations.graphql'), 'utf8');
const status = JSON.parse(readFileSync(path.join(root, 'clients/contract-status.json'), 'utf8'));

const manifest = {};
for (const definition of parse(contract).definitions) {
  if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) continue;
  if (definition.name.value in status.pendingSchema) continue;
  const query = print(definition);
  manifest[createHash('sha256').update(query).digest('hex')] = query;
}

const output = path.join(root, 'clients/persisted-operations.json');
writeFileSync(output, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${path.relative(root, output)} (${Object.keys(manifest).length} operations)`);
