import { utilityProcess } from 'electron';
import type { SpawnModelProcess } from '@codeface/inference';

/**
 * Starts the model process with Electron's utilityProcess (a Node child that needs no separate
 * Node install), speaking the same message protocol as `child_process.fork`.
 */
export const spawnUtilityModelProcess: SpawnModelProcess = ({ modulePath }) => {
  const child = utilityProcess.fork(modulePath, [], {
    serviceName: 'CodeFace model',
    stdio: 'inherit',
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => child.postMessage(message),
    onMessage: (listener) => {
      child.on('message', listener);
    },
    onExit: (listener) => {
      child.on('exit', (code) => listener({ code, signal: null }));
    },
    kill: () => {
      child.kill();
    },
  };
};
