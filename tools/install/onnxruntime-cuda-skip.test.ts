import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The environment of a fresh `npm ci` typed in a shell: none of the `npm_*` variables of the npm
 * that runs this test (they would carry its configuration into the child) and no onnxruntime
 * install variables. Every HTTPS request goes to a closed port (onnxruntime's install script
 * honours global-agent's proxy variables), so a download attempt fails at once, network or not.
 */
function freshInstallEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || /^ONNXRUNTIME_NODE_INSTALL/i.test(key)) continue;
    env[key] = value;
  }
  env.GLOBAL_AGENT_HTTP_PROXY = 'http://127.0.0.1:9';
  env.GLOBAL_AGENT_HTTPS_PROXY = 'http://127.0.0.1:9';
  return env;
}

/**
 * Broke (issue 13, item 12): on Linux x64, onnxruntime-node's postinstall downloads its CUDA
 * provider (hundreds of MB from NuGet) for an embedding model that runs on the CPU, and `npm ci`
 * fails where that download cannot be reached. The committed .npmrc skips it.
 */
describe('npm install configuration', () => {
  it("runs onnxruntime-node's postinstall as npm ci does, and it downloads nothing", () => {
    const run = spawnSync(
      'npm',
      ['rebuild', 'onnxruntime-node', '--foreground-scripts', '--no-audit', '--no-fund'],
      { cwd: root, env: freshInstallEnv(), encoding: 'utf8', timeout: 120_000 },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).toContain('node ./script/install');
    expect(output).not.toMatch(/nuget|ECONNREFUSED|Downloading/i);
    expect(run.status, output).toBe(0);
  }, 150_000);

  it('the README says how to turn the CUDA download back on', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci');
  });
});
