import { fileURLToPath } from 'node:url';

/** Where the e2e run's renderer build goes (ignored by git, like every `out/`). */
export const E2E_RENDERER_DIR = fileURLToPath(new URL('../../out/e2e-renderer', import.meta.url));
