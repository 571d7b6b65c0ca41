import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isPrivateAddress, publicOnlyLookup } from './webhook-address';

export interface SendResult {
  status: number | null;
  durationMs: number;
  error: string | null;
}

/** How much of a receiver's answer is read (and thrown away): enough to finish the exchange, no more. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one delivery. 2xx is success; anything else, a timeout (the whole exchange, `timeoutMs`) or a network
 * error is a failure whose status (if any) and reason are kept. Unless private targets are allowed, the
 * connection's own DNS lookup refuses private addresses (no rebinding between a check and the connect).
 */
export function sendWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<SendResult> {
  const started = performance.now();
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // A literal IP is connected to without a lookup: check it here.
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return Promise.resolve({ status: null, durationMs: 0, error: `private_address: ${host}` });
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, durationMs: performance.now() - started, error });
    };
    const req = request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        lookup: options.allowPrivate ? undefined : publicOnlyLookup,
        agent: false,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) res.destroy();
        });
        const done = () => {
          const status = res.statusCode ?? null;
          finish(status, status !== null && status >= 200 && status < 300 ? null : `HTTP ${status}`);
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      finish(null, `timeout after ${options.timeoutMs} ms`);
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        null,
        error.message.startsWith('private_address') ? error.message : `${error.code ?? 'error'}: ${error.message}`,
      );
    });
    req.end(body);
  });
}
