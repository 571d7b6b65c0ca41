// REST helpers shared by the bench scripts.

export async function api(base, token, method, path, body, headers = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function inBatches(items, size, fn) {
  const results = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

/** The bench's admin, and what every bench node runs with: rate limits off, logs at `warn`. */
export const ADMIN = { email: 'bench-admin@tandem.local', password: 'bench-password-1' };

export function benchEnv(redisPrefix) {
  return {
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_HUMAN_PER_MINUTE: '0',
    RATE_LIMIT_AGENT_PER_MINUTE: '0',
    TANDEM_REDIS_PREFIX: redisPrefix,
  };
}
