import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The app's handle on a model process. Node uses `child_process.fork`; the desktop
 * app passes an implementation over Electron's `utilityProcess` instead.
 */
export type ModelProcessHandle = {
  readonly pid: number | undefined;
  send: (message: unknown) => void;
  onMessage: (listener: (message: unknown) => void) => void;
  onExit: (listener: (exit: { code: number | null; signal: string | null }) => void) => void;
  kill: () => void;
};

export type SpawnModelProcess = (entry: { modulePath: string }) => ModelProcessHandle;

/** The model process's entry module (TypeScript, run through tsx in Node). */
export const MODEL_PROCESS_ENTRY = fileURLToPath(new URL('./model-process.ts', import.meta.url));

/**
 * Forks the entry, with tsx preloaded when it is TypeScript (a bundled entry, as the GPU
 * benchmark carries, runs as it is). tsx is resolved from this package, so the engine works
 * whatever the app's working directory is.
 */
export const spawnNodeModelProcess: SpawnModelProcess = ({ modulePath }) => {
  const child = fork(modulePath, [], {
    execArgv: modulePath.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // A process that is dying can close its channel before 'exit' arrives; a message sent into
  // that gap fails with EPIPE. The exit handler already turns the death into an error event for
  // every request in flight, so the failed send itself must not become an uncaught exception.
  child.on('error', () => undefined);
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message as object, undefined, {}, () => undefined);
    },
    onMessage: (listener) => {
      child.on('message', listener);
    },
    onExit: (listener) => {
      child.on('exit', (code, signal) => listener({ code, signal }));
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  };
};
