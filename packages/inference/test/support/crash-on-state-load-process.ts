/**
 * The real model process, except that loading a saved chat state kills it on the spot, as a
 * state llama.cpp cannot read could: the engine must recover as from any crash, and the state
 * must not be loaded again.
 */
import { LlamaContextSequence } from 'node-llama-cpp';

LlamaContextSequence.prototype.loadStateFromFile = function crashWhileLoading(): Promise<void> {
  process.kill(process.pid, 'SIGKILL');
  return new Promise(() => undefined);
};

await import('../../src/llama/model-process');
