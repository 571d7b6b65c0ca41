// The baseline: what the same work costs with nothing of Tandem's: bare Socket.IO + the Redis adapter, and one
// INSERT per request. No auth, no validation, no audit chain. Same routes and event shape as the bench uses.
//   PORT, DATABASE_URL, REDIS_URL
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import pg from 'pg';
import { createClient } from 'redis';
import { Server } from 'socket.io';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(
  'create table if not exists bench_baseline_moves (id bigserial primary key, task_id text, version int, status text, at timestamptz default now())',
);
const pub = createClient({ url: process.env.REDIS_URL });
const sub = pub.duplicate();
for (const client of [pub, sub]) client.on('error', () => undefined);
await Promise.all([pub.connect(), sub.connect()]);

const http = createServer((req, res) => {
  const match = req.method === 'POST' && req.url.match(/^\/api\/tasks\/([^/]+)\/move$/);
  if (req.url === '/health' || req.url === '/health/ready') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', async () => {
    try {
      const { status, version, channel = 'board' } = JSON.parse(body);
      const { rows } = await pool.query(
        'insert into bench_baseline_moves (task_id, version, status) values ($1, $2, $3) returning id',
        [match[1], version + 1, status],
      );
      const data = { id: match[1], version: version + 1, status };
      io.to(channel).emit('event', { seq: Number(rows[0].id), channel, type: 'task.moved', data });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(data));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
});

const io = new Server(http, { adapter: createAdapter(pub, sub) });
io.on('connection', (socket) => {
  socket.on('subscribe', ({ channel }, ack) => {
    socket.join(channel);
    ack?.({ ok: true, head: 0, replayed: 0 });
  });
});

http.listen(Number(process.env.PORT ?? 3100), '127.0.0.1');
process.on('SIGTERM', () => {
  io.close();
  void pool.end();
  process.exit(0);
});
