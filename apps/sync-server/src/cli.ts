import { parseArgs } from 'node:util';
import { loadServerConfig } from './env';
import { startErrorReporting } from './sentry';
import { createSyncServer } from './server';

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
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
