import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StoreError } from '@codeface/db';
import {
  defaultDataDir,
  discoveryRootsFrom,
  embeddingModelFrom,
  envWithDataDir,
  readEnv,
} from './env';
import { buildRenderer, RENDERER_OUT_DIR } from './build-renderer';
import { findElectronBinary } from './electron-binary';
import { installedElectron, prepareElectronNatives } from './prepare-electron-natives';
import { serve } from './host/serve';

const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const usage = `Usage:
  codeface start [--port N] [--data-dir DIR]
                                       the desktop app (the web host where Electron is not installed)
  codeface serve [--port N] [--data-dir DIR]
                                       the web host on 127.0.0.1; prints the link to open
Both open the same data folder by default: the one of this system (see the README).
`;

async function runServe(options: { port?: string; dataDir?: string }): Promise<void> {
  const env = readEnv();
  const port = options.port === undefined ? (env.CODEFACE_PORT ?? 0) : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be a number from 0 to 65535, not "${options.port}".`);
  }
  if (!existsSync(join(RENDERER_OUT_DIR, 'index.html'))) {
    console.log('Building the app (first run)…');
    await buildRenderer();
  }
  const dataDir = resolve(options.dataDir ?? defaultDataDir(env));
  const host = await serve({
    dataDir,
    rendererDir: RENDERER_OUT_DIR,
    port,
    gpu: env.CODEFACE_GPU === 'false' ? false : 'auto',
    threads: env.CODEFACE_THREADS,
    discoveryRoots: discoveryRootsFrom(env),
    huggingFaceEndpoint: env.HF_ENDPOINT,
    embeddingModel: embeddingModelFrom(env),
    passphrase: env.CODEFACE_PASSPHRASE,
  }).catch((error: unknown) => {
    if (error instanceof StoreError && error.code === 'wrong-key') {
      throw new Error(
        `CODEFACE_PASSPHRASE does not open the data in ${dataDir}. Start without it to type the passphrase on the unlock page; data the desktop app encrypted with its keychain opens only in the desktop app.`,
      );
    }
    throw error;
  });
  console.log(`CodeFace is running. Data folder: ${dataDir}`);
  if (host.gate.status().locked) {
    console.log(
      'The data is encrypted: the link opens the unlock page, which asks for its passphrase.',
    );
  }
  console.log(
    `Open this link in your browser (it carries this run's access token):\n\n  ${host.url}\n`,
  );
  const stop = () => {
    void host.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function runStart(options: { port?: string; dataDir?: string }): Promise<void> {
  const electron = findElectronBinary();
  if (electron === null) {
    console.log('Electron is not installed here, so CodeFace starts as a web app.');
    await runServe(options);
    return;
  }
  await prepareElectronNatives({
    appRoot: APP_ROOT,
    ...installedElectron(),
    log: (line) => console.log(line),
  });
  const build = spawn(
    process.execPath,
    [join(APP_ROOT, 'node_modules/.bin/electron-vite'), 'build'],
    {
      cwd: APP_ROOT,
      stdio: 'inherit',
    },
  );
  const code = await new Promise<number | null>((done) => build.once('exit', done));
  if (code !== 0) throw new Error('Building the desktop app failed.');
  // The app opens the data folder it is given, else the same default as `codeface serve`.
  const app = spawn(electron, [APP_ROOT], {
    stdio: 'inherit',
    env: options.dataDir === undefined ? undefined : envWithDataDir(resolve(options.dataDir)),
  });
  app.once('exit', (exitCode) => process.exit(exitCode ?? 0));
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const options = { port: values.port, dataDir: values['data-dir'] };
  const [command = 'start', ...extra] = positionals;
  if (extra.length > 0) throw new Error(`Unexpected arguments: ${extra.join(' ')}\n${usage}`);
  if (values.help) {
    console.log(usage);
    return;
  }
  switch (command) {
    case 'serve':
      return runServe(options);
    case 'start':
      return runStart(options);
    default:
      throw new Error(`Unknown command "${command}".\n${usage}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
