import 'reflect-metadata';
import { StartupError } from './config';
import { startTandem } from './start';

/** `npm start` (see `startTandem`); Ctrl-C (or SIGTERM) drains and closes the app, then the embedded database. */
async function main() {
  const tandem = await startTandem();
  const stop = (signal: string) => void tandem.stop(signal).then((clean) => process.exit(clean ? 0 : 1));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
main().catch((error: unknown) => {
  // A mistake the user can fix gets one line that says what to do, not a stack trace.
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
