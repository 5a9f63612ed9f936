// Prints the DDL that schema.prisma alone describes (from an empty database),
// for the check that the migrations build exactly that. Usage: node scripts/prisma-ddl.mjs <subgraph>
import path from 'node:path';
import { migrateDiff } from './prisma-cli.mjs';

const subgraph = process.argv[2];
if (!subgraph) {
  console.error('usage: node scripts/prisma-ddl.mjs <subgraph>');
  process.exit(2);
}
process.stdout.write(
  await migrateDiff(subgraph, {
    from: 'empty',
    to: path.join('prisma', subgraph, 'schema.prisma'),
  }),
);
