// Prints the DDL that schema.prisma alone describes (from an empty database),
// for the check that the migrations build exactly that. Usage: node scripts/prisma-ddl.mjs <subgraph>
import path from 'node:path';
import { runPrisma } from './prisma-cli.mjs';

const subgraph = process.argv[2];
if (!subgraph) {
  console.error('usage: node scripts/prisma-ddl.mjs <subgraph>');
  process.exit(2);
}
const schema = path.join('prisma', subgraph, 'schema.prisma');
process.stdout.write(
  runPrisma(subgraph, [
    'migrate',
    'diff',
    '--from-empty',
    '--to-schema-datamodel',
    schema,
    '--script',
  ]),
);
