// A bare @apollo/gateway in a process of its own, for answers to compare with: in the test's process Apollo's
// result shaping is replaced (result-shaping/install.ts), here it is Apollo's own. Prints its URL, then serves
// until killed. Usage: node bare-gateway-process.ts <supergraph path>
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
const supergraphSdl = readFileSync(process.argv[2]!, 'utf8');
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
console.log(JSON.stringify({ url }));
