// The four benchmark subgraphs in one process, each at /<name> of one port
// on 127.0.0.1 (PORT, 0 for any free one); GET /calls counts the calls made. The data never changes, so an
// answer is computed once per request body (query and variables text) and
// then served from memory: the subgraphs must never be what a benchmark of
// the gateway measures. Prints "subgraphs at <base url>" once listening.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { execute, parse, validate } from 'graphql';
import { subgraphSchemas } from './subgraphs.mjs';

/** Distinct request bodies kept; one query plan needs a handful, so this is only a bound. */
const MAX_MEMOIZED = 10_000;

const schemas = subgraphSchemas();
const answers = new Map();
/** Calls answered so far, all subgraphs together: GET /calls tells the benchmark. */
let calls = 0;

async function answer(schema, body) {
  const { query, variables, operationName } = JSON.parse(body);
  const document = parse(query);
  const errors = validate(schema, document);
  const result =
    errors.length > 0
      ? { errors }
      : await execute({ schema, document, variableValues: variables, operationName });
  return Buffer.from(JSON.stringify(result));
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/calls') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ calls }));
    return;
  }
  const schema = schemas[request.url.slice(1)];
  if (!schema || request.method !== 'POST') {
    response.writeHead(404).end();
    return;
  }
  calls++;
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    const key = `${request.url}\n${Buffer.concat(chunks).toString()}`;
    try {
      let body = answers.get(key);
      if (!body) {
        body = await answer(schema, key.slice(request.url.length + 1));
        if (answers.size >= MAX_MEMOIZED) answers.clear();
        answers.set(key, body);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch (error) {
      response
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ message: String(error) }] }));
    }
  });
});

// A gateway's pooled connection may stay idle while the other targets are
// loaded; closing it then races the gateway's next request on it.
server.keepAliveTimeout = 0;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`subgraphs at http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
