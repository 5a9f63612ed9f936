// The client contract's operations, so a scenario loads exactly what the
// storefronts send rather than a copy of it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, print } from 'graphql';
import { root } from './stack-process.mjs';

const document = parse(
  readFileSync(path.join(root, 'clients/contract/operations.graphql'), 'utf8'),
);

/** The text of the contract's operation `name`. */
export function contractOperation(name) {
  const definition = document.definitions.find((d) => d.name?.value === name);
  if (!definition) throw new Error(`The contract has no operation ${name}`);
  return print(definition);
}
