import { parseArgs } from 'node:util';
import { loadServerConfig, startedByNpm } from './env';
import { startErrorReporting } from './sentry';
import { createSyncServer } from './server';
import { DataFolderInUseError } from './storage/data-folder-lock';

/**
 * `codeface-sync [--data-dir DIR] [--port N]`: one command, no setup. Without DATABASE_URL the
 * data lives in PGlite under the data folder.
 */
async function main() {
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string' }, port: { type: 'string' } },
  });
  const config = loadServerConfig({
    dataDir: values['data-dir'],
    port: values.port === undefined ? undefined : Number(values.port),
  });
  const reporting = config.sentryDsn ? startErrorReporting(config.sentryDsn) : undefined;
  const server = await createSyncServer({ config, reportError: reporting?.reportError });
  const url = await server.listen();
  server.app.log.info(
    { url, database: server.db.kind, bus: server.bus.kind, dataDir: config.dataDir },
    'codeface sync server listening',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down: draining requests and closing sockets');
    const deadline = setTimeout(() => process.exit(1), 15_000).unref();
    await server.close();
    await reporting?.close();
    clearTimeout(deadline);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  stopWhenOrphaned(() => void stop('parent exited'));
}

/**
 * `npx codeface-sync` runs the server under `sh -c`: a SIGTERM to npm reaches the shell, which
 * dies without passing it on, and the server would run on, orphaned, holding its port and data
 * folder. Started by npm, the server takes its parent going away as a SIGTERM. (Started any
 * other way, say with nohup, it keeps running as asked.)
 */
function stopWhenOrphaned(stop: () => void) {
  if (!startedByNpm()) return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
}

main().catch((error: unknown) => {
  // A refusal is a sentence for the operator; anything else keeps its stack.
  console.error(error instanceof DataFolderInUseError ? error.message : error);
  process.exit(1);
});
