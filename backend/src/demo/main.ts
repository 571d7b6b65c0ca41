import { startDemo } from './demo-agents';
import { loadConfig } from '../config';

/**
 * `npm run demo`: simulated agents against a running Tandem (`TANDEM_URL`, default http://localhost:$PORT or
 * :3000), set up with the admin's credentials (`ADMIN_EMAIL`, `ADMIN_PASSWORD`, as printed by `npm start`).
 */
async function main() {
  const config = loadConfig();
  const baseUrl = config.demoUrl;
  const adminEmail = config.adminEmail ?? 'admin@tandem.local';
  const adminPassword = config.adminPassword;
  if (!adminPassword) {
    console.error('Set ADMIN_PASSWORD (and ADMIN_EMAIL if not admin@tandem.local): the demo registers its agents.');
    process.exit(1);
  }
  const demo = await startDemo({
    baseUrl,
    adminEmail,
    adminPassword,
    paceMs: config.demoPaceMs,
    commentEveryMs: config.demoCommentEveryMs,
  });
  console.log(`Open ${baseUrl} to watch the board; Ctrl-C stops the agents.`);
  const stop = () => {
    void demo.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
