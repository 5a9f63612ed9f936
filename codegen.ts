// GraphQL Code Generator: the client contract's operations → typed documents
// (TypedDocumentNode with result and variable types) for the storefronts and
// the end-to-end tests. `npm run codegen` writes clients/generated/; a test
// fails when the committed output differs from what this config produces.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { Kind, parse, print } from 'graphql';
import status from './clients/contract-status.json';

const contract = readFileSync(path.join(__dirname, 'clients/contract/operations.graphql'), 'utf8');

/** Every contract operation the composed graph serves: the pending ones would not validate. */
function servedOperations(): string[] {
  return parse(contract).definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION &&
    definition.name &&
    !(definition.name.value in status.pendingSchema)
      ? [print(definition)]
      : [],
  );
}

const config: CodegenConfig = {
  schema: path.join(__dirname, 'clients/schema.graphql'),
  documents: servedOperations(),
  generates: {
    [path.join(__dirname, 'clients/generated/operations.ts')]: {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false },
        scalars: { DateTimeISO: 'string' },
        useTypeImports: true,
      },
    },
  },
  hooks: {},
  silent: true,
};

export default config;
