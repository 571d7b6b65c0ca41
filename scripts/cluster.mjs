// `npm run cluster`: nginx + two backend nodes as local processes, on the machine's PostgreSQL and Redis.
//   DATABASE_URL  default: database `tandem_cluster` on postgres://postgres@127.0.0.1:5432 (created if missing)
//   REDIS_URL     default: redis://127.0.0.1:6379
//   PORT          nginx's port (default 8080, or a free one when taken); NODES (default 2)
// Ctrl-C stops everything (SIGTERM to the nodes: they drain and exit).
import { ensureDatabase, freePort, MACHINE_REDIS_URL, startCluster } from './cluster-lib.mjs';
import { createServer } from 'node:net';

const portIsFree = (port) =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const wanted = Number(process.env.PORT ?? 8080);
const port = (await portIsFree(wanted)) ? wanted : await freePort();
const databaseUrl = process.env.DATABASE_URL || (await ensureDatabase('tandem_cluster'));
const redisUrl = process.env.REDIS_URL || MACHINE_REDIS_URL;

const cluster = await startCluster({
  databaseUrl,
  redisUrl,
  nodes: Number(process.env.NODES ?? 2),
  port,
  echo: true,
  env: { TANDEM_REDIS_PREFIX: process.env.TANDEM_REDIS_PREFIX ?? 'tandem-cluster' },
});

console.log(`\nTandem cluster is running at ${cluster.url}`);
for (const node of cluster.nodes)
  console.log(`  ${node.name}: ${node.url} (pid ${node.pid}, metrics ${node.url}/metrics)`);
console.log(`  metrics need: Authorization: Bearer ${cluster.metricsToken}`);
if (!cluster.nginx) console.log('  (nginx is not installed: `apt-get install -y nginx`; the URL above is node-a)');
console.log(`  database ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}, redis ${redisUrl}\nCtrl-C stops it.\n`);

let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the cluster`);
  await cluster.stop('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const node of cluster.nodes) {
  node.child.once('exit', (code, signal) => {
    if (!stopping) console.log(`${node.name} exited (${code ?? signal})`);
  });
}
