import { spawn } from 'node:child_process';
import { INTERNAL_TOKEN_HEADER } from '@supergraph/service-kit';
import { benchSecrets, bearerHeaders } from './src/auth.ts';
import { buildDataset, FULL_DATASET } from './src/dataset.ts';
import { operation, requestBody } from './src/operations.ts';
import { spawnServer } from './src/process/pool.ts';
import { startServer } from './src/servers.ts';

const [opId = 'O2', nText = '10', kind = 'gateway-ours-nodedup'] = process.argv.slice(2);
const dataset = buildDataset(FULL_DATASET);
const secrets = benchSecrets();
const pg = { url: undefined, dataDir: 'memory://' };
const logDir = '/tmp/scratch-logs';
const identity = { userId: dataset.admin.id, role: 'ADMIN' as const };
const sub = (name: 'users' | 'orders') => spawnServer(name, { server: name, subgraph: { name, secrets, database: pg, seed: FULL_DATASET, nodeEnv: 'production', logLevel: 'info' } }, { logDir });
const [users, orders] = await Promise.all([sub('users'), sub('orders')]);
const gw = await startServer({ server: kind as 'gateway-ours', gateway: { secrets, subgraphUrls: { users: users.url, orders: orders.url }, logLevel: 'info', identity, internalTokenHeader: INTERNAL_TOKEN_HEADER } });
const headers = { 'content-type': 'application/json', ...(await bearerHeaders(secrets, identity)) };
const body = requestBody(operation(opId as 'O2'), Number(nText));
const run = (seconds: number) => new Promise<void>((resolve) => {
  const args = ['node_modules/autocannon/autocannon.js', '-c', '50', '-d', String(seconds), '-m', 'POST', '-b', body, ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]), gw.url];
  const child = spawn(process.execPath, args.map((a) => a.replace('node_modules/', '../node_modules/')), { stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', () => resolve());
});
await run(3); // warm-up
const t0 = process.cpuUsage();
await run(8);
const cpu = process.cpuUsage(t0);
console.error(`gateway CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
await gw.stop(); await users.stop(); await orders.stop();
process.exit(0);
