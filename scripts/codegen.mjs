// GraphQL Code Generator: the client contract's operations → typed documents
// (TypedDocumentNode with result and variable types) for the storefronts and
// the end-to-end tests.
//   node scripts/codegen.mjs            writes clients/generated/operations.ts
//   node scripts/codegen.mjs --check    exits 1 when the committed file differs
//
// It drives @graphql-codegen/core, the generator inside @graphql-codegen/cli,
// with the schema file and the operations read here. The CLI would add loaders
// for URLs, GitHub, git and Apollo Studio, with their fetch and prompt
// packages (@whatwg-node/fetch, sync-fetch, listr2), that this never uses.
// The output is byte for byte what the CLI wrote.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { codegen } from '@graphql-codegen/core';
import { getCachedDocumentNodeFromSchema } from '@graphql-codegen/plugin-helpers';
import * as typedDocumentNode from '@graphql-codegen/typed-document-node';
import * as typescriptOperations from '@graphql-codegen/typescript-operations';
import { Kind, buildSchema, lexicographicSortSchema, parse, print } from 'graphql';

const root = path.resolve(import.meta.dirname, '..');
const read = (file) => readFileSync(path.join(root, file), 'utf8');
const output = path.join(root, 'clients/generated/operations.ts');
const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

/** Every contract operation the composed graph serves: the pending ones would not validate. */
function servedOperations() {
  const status = JSON.parse(read('clients/contract-status.json'));
  return parse(read('clients/contract/operations.graphql')).definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION &&
    definition.name &&
    !(definition.name.value in status.pendingSchema)
      ? [print(definition)]
      : [],
  );
}

// Sorted as the CLI's schema loader sorts it, so types come out in name order.
const schemaAst = lexicographicSortSchema(buildSchema(read('clients/schema.graphql')));
const generated = await codegen({
  filename: output,
  schema: getCachedDocumentNodeFromSchema(schemaAst),
  schemaAst,
  documents: servedOperations().map((text) => ({ document: parse(text), rawSDL: text })),
  plugins: [{ 'typescript-operations': {} }, { 'typed-document-node': {} }],
  pluginMap: {
    'typescript-operations': typescriptOperations,
    'typed-document-node': typedDocumentNode,
  },
  config: {
    enumsAsTypes: true,
    avoidOptionals: { field: true, inputValue: false },
    scalars: { DateTimeISO: 'string' },
    useTypeImports: true,
  },
  pluginContext: {},
});

const relative = path.relative(root, output);
if (values.check) {
  if (readFileSync(output, 'utf8') !== generated) {
    console.error(`${relative} is stale: run npm run codegen`);
    process.exit(1);
  }
  console.log(`${relative} is up to date`);
} else {
  writeFileSync(output, generated);
  console.log(`wrote ${relative}`);
}
