/**
 * An app stand-in: loads the tiny model through LlamaCppEngine, prints the model
 * process's id, and then waits to be killed.
 */
import { ensureTinyModel } from '../../src/fixtures/index';
import { LlamaCppEngine } from '../../src/index';

const engine = new LlamaCppEngine({ gpu: false });
await engine.load({ id: 'tiny', path: await ensureTinyModel() }, { contextSize: 512, threads: 1 });
console.log(`model-process-pid=${String(await engine.processId())}`);
setInterval(() => undefined, 60_000);
