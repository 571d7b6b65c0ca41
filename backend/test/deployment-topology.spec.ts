import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { CLUSTER_NODES, MIGRATE_JS, nginxConfig, nodeEnvironment, ROOT } from '../../scripts/cluster-lib.mjs';
import { CONFIG_VARIABLES } from '../src/config';

/**
 * No image registry is reachable here, so docker-compose.yml is never brought up in CI; `npm run cluster` proves the
 * same topology with local processes. These checks keep the two descriptions from drifting apart unseen.
 */
interface Service {
  image?: string;
  build?: { target?: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const backends = Object.keys(services).filter((name) => /^backend-\d+$/.test(name));
const site = readFileSync(join(ROOT, 'nginx/tandem.conf'), 'utf8');
const frontendSite = readFileSync(join(ROOT, 'nginx/frontend.conf'), 'utf8');
const upstream = (name: string) =>
  [...(new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(site)?.[1] ?? '').matchAll(/server (\S+?)[;\s]/g)].map(
    (match) => match[1],
  );

describe('docker-compose.yml and nginx/ describe what `npm run cluster` runs', () => {
  it('has the same services: postgres, redis, a migrate job, the backend nodes, the frontend and nginx', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['frontend', 'migrate', 'nginx', 'postgres', 'redis', ...backends].sort(),
    );
    expect(backends).toHaveLength(CLUSTER_NODES);
  });

  it('runs the migrate job once, with the compiled script the cluster runs, before any node starts', () => {
    expect(services.migrate.command).toEqual(['node', relative(ROOT, MIGRATE_JS)]);
    expect(services.migrate.environment?.DATABASE_URL).toBe(services[backends[0]].environment?.DATABASE_URL);
    for (const name of backends) {
      expect(services[name].depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('gives every node the environment the cluster gives its nodes', () => {
    const local = nodeEnvironment({ databaseUrl: 'postgres://x', redisUrl: 'redis://x' });
    for (const name of backends) {
      const env = services[name].environment ?? {};
      for (const variable of Object.keys(local)) expect(env).toHaveProperty(variable);
      expect(env.TANDEM_MIGRATE_ON_START).toBe(local.TANDEM_MIGRATE_ON_START);
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
    }
    const nodeIds = backends.map((name) => services[name].environment?.TANDEM_NODE_ID);
    expect(new Set(nodeIds).size).toBe(backends.length);
  });

  it('sets only variables the configuration knows', () => {
    for (const name of ['migrate', ...backends]) {
      for (const variable of Object.keys(services[name].environment ?? {})) {
        expect(CONFIG_VARIABLES).toContain(variable);
      }
    }
  });

  it('points nginx at every backend node on its PORT, and at the frontend on the port it listens on', () => {
    const port = services[backends[0]].environment?.PORT;
    for (const balanced of ['tandem_backend', 'tandem_api'])
      expect(upstream(balanced).sort()).toEqual(backends.map((name) => `${name}:${port}`).sort());
    const frontendPort = /listen (\d+);/.exec(frontendSite)?.[1];
    expect(upstream('tandem_frontend')).toEqual([`frontend:${frontendPort}`]);
    expect(services[backends[0]].healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port}/health/ready`);
  });

  it('keeps a socket on one node (ip_hash) and sends each REST request to the least busy node', () => {
    const balancing = (name: string) => new RegExp(`upstream ${name} \\{\\s*(\\w+);`).exec(site)?.[1];
    const target = (path: string) => new RegExp(`location ${path} \\{[^}]*proxy_pass http://(\\w+);`).exec(site)?.[1];
    expect(balancing(target('/socket.io/')!)).toBe('ip_hash');
    expect(balancing(target('/api/')!)).toBe('least_conn');
    expect(balancing(target('/health')!)).toBe('least_conn');
    const local = nginxConfig({ prefix: '/tmp/x', port: 8089, backendPorts: [4001, 4002] });
    expect(local).toMatch(/upstream tandem_backend \{\s*ip_hash;/);
    expect(local).toMatch(/upstream tandem_api \{\s*least_conn;/);
  });

  it('publishes nginx on the port its site listens on, and the cluster can rewrite that site', () => {
    const listen = /listen (\d+);/.exec(site)?.[1];
    expect(services.nginx.ports?.[0]).toMatch(new RegExp(`:${listen}$`));
    const local = nginxConfig({ prefix: '/tmp/x', port: 8089, backendPorts: [4001, 4002] });
    expect(local).toContain('listen 127.0.0.1:8089;');
    expect(local).toContain('server 127.0.0.1:4001 max_fails=1 fail_timeout=5s;');
    expect(local).not.toContain('backend-1:');
  });

  it('builds the node, the migrate job, the frontend and the edge from the Dockerfile targets', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    for (const name of ['migrate', ...backends, 'frontend', 'nginx']) {
      const target = services[name].build?.target;
      expect(dockerfile).toMatch(new RegExp(`^FROM \\S+ AS ${target}$`, 'm'));
    }
    expect(dockerfile).toContain('RUN npm ci');
  });
});
