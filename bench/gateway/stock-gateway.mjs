// The stock gateway, nothing tuned: ApolloGateway over a supergraph file
// (SUPERGRAPH_PATH) in Apollo Server's standalone server on 127.0.0.1:PORT.
// The yardstick the router is compared with.
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH, 'utf8'),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: Number(process.env.PORT) },
});
console.log(`stock gateway at ${url}`);
