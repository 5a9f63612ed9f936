import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, type DocumentNode } from 'graphql';

const CONTRACT_DIR = path.resolve(__dirname, '../../clients/contract');

export const contractFiles = ['operations.graphql', 'inputs.graphql'].map((file) => ({
  file,
  source: readFileSync(path.join(CONTRACT_DIR, file), 'utf8'),
}));

/** Each named operation of the client contract, as a document of its own. */
export function contractOperations(): Map<string, DocumentNode> {
  const document = parse(contractFiles[0]!.source);
  const operations = new Map<string, DocumentNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) {
      operations.set(definition.name.value, { kind: Kind.DOCUMENT, definitions: [definition] });
    }
  }
  return operations;
}

/** The text of one contract operation, to send as a client would. */
export function operationText(name: string): string {
  const document = contractOperations().get(name);
  if (!document) throw new Error(`No operation ${name} in the contract`);
  return print(document);
}
