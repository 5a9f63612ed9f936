import { parse, visit } from 'graphql';

/** Property names made by internOneByteNames, kept alive so V8 keeps them as the interned copies. */
const internedNames: Record<string, true> = Object.create(null);

/**
 * Makes each name of the supergraph (types, fields, arguments) a one-byte
 * string in V8's table of property names before anything else reads the
 * schema. V8 keeps one copy of each name, the first one made, and uses it as
 * the key of every object with that property. Building the supergraph with
 * @apollo/federation-internals makes two-byte copies of the schema's names
 * (seen with %DebugPrint on the gateway benchmark's supergraph, whose text is
 * ASCII), and so does any SDL with one non-ASCII character in a description.
 * One two-byte key turns a whole JSON.stringify answer two-byte: on
 * TestQuery (67 kB) serializing took 350 µs instead of about 140 and turning
 * the text into bytes 700 µs instead of 20 — a fifth of the router's CPU
 * per request. Node 26 (V8 14.6) still makes the two-byte copies, and its
 * faster JSON.stringify still halves with one-byte keys: 72–79 µs against
 * 142–146 to serialize and measure a 108 kB answer keyed by the project's
 * field names (2026-12-07).
 */
export function internOneByteNames(supergraphSdl: string): void {
  visit(parse(supergraphSdl, { noLocation: true }), {
    Name(node) {
      // A latin1 round trip copies the name into a fresh one-byte string (GraphQL names are ASCII).
      internedNames[Buffer.from(node.value, 'latin1').toString('latin1')] = true;
    },
  });
}
