/**
 * Generates the GPU benchmark's model into the folder named by the first argument (the fixture
 * folder by default) and prints its path: bench/gpu.sh runs it while it builds the CUDA addon.
 */
import { ensureFixtureModel } from '../src/fixtures/ensure-models';
import { GPU_BENCH_MODEL_SPEC } from '../src/fixtures/llama-fixture';

const dir = process.argv[2];
console.log(await ensureFixtureModel(GPU_BENCH_MODEL_SPEC, dir ? { dir } : {}));
