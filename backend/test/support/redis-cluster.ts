import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeStablePort } from '../../../scripts/cluster-lib.mjs';
import { waitFor } from './nodes';

// Each master also listens on its cluster bus port, port + 10000.
const freeMasterPort = () => freeStablePort({ alsoFree: [10_000] });

const cli = (port: number, ...args: string[]) =>
  spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();

/**
 * A local Redis Cluster of three masters (no replicas), each a `redis-server` with `cluster-enabled yes` on a free
 * port, joined by `redis-cli --cluster create`. Never the machine's shared Redis.
 */
export class PrivateRedisCluster {
  private constructor(
    readonly ports: number[],
    private readonly processes: ChildProcess[],
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateRedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-redis-cluster-'));
    const ports = [await freeMasterPort(), await freeMasterPort(), await freeMasterPort()];
    const processes = ports.map((port) =>
      spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          '5000',
          '--dir',
          dir,
        ],
        { stdio: 'ignore' },
      ),
    );
    const cluster = new PrivateRedisCluster(ports, processes, dir);
    for (const port of ports) await waitFor(`redis-server on ${port}`, () => cli(port, 'ping') === 'PONG');
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-yes'],
      { encoding: 'utf8' },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports)
      await waitFor(`cluster state on ${port}`, () => cli(port, 'cluster', 'info').includes('cluster_state:ok'));
    return cluster;
  }

  /** `host:port,...` as `REDIS_PUBSUB_CLUSTER_NODES` takes it. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** The shard channels each master has subscribers on. */
  shardChannels(): string[][] {
    return this.ports.map((port) => cli(port, 'pubsub', 'shardchannels').split('\n').filter(Boolean));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(undefined);
            child.once('exit', resolve);
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
