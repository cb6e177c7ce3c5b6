import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ELECTRON_NATIVE_FILE,
  ELECTRON_NATIVE_MODULE,
  manifestPathIn,
  nativeBindingIn,
  nativesDir,
  resolveElectronNativeBinding,
  writeManifestText,
} from './electron-natives';
import {
  builtForOtherAbi,
  describeRebuildFailure,
  prepareElectronNatives,
} from './prepare-electron-natives';

const here = dirname(fileURLToPath(import.meta.url));
const REPO = join(here, '../../..');
const target = { electronVersion: '41.7.1', abi: '145', platform: 'linux', arch: 'x64' };
const roots: string[] = [];
const tempRoot = () => {
  const root = mkdtempSync(join(tmpdir(), 'cf-natives-'));
  roots.push(root);
  return root;
};
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A finished natives folder as prepareElectronNatives leaves it. */
function writeBuild(dir: string, manifest = target): void {
  mkdirSync(dirname(nativeBindingIn(dir)), { recursive: true });
  writeFileSync(nativeBindingIn(dir), 'compiled');
  writeFileSync(manifestPathIn(dir), writeManifestText(manifest));
}

describe("the main process's database driver", () => {
  it('is the Electron build in .electron-natives when it exists', () => {
    const appRoot = tempRoot();
    const dir = nativesDir({ appRoot, ...target });
    writeBuild(dir);
    const resolved = resolveElectronNativeBinding({
      packaged: false,
      resourcesPath: '/nowhere',
      appRoot,
      ...target,
    });
    expect(resolved).toBe(join(dir, 'node_modules', ELECTRON_NATIVE_MODULE, ELECTRON_NATIVE_FILE));
    expect(relative(appRoot, resolved).startsWith('.electron-natives')).toBe(true);
  });

  it("is never Node's build: a missing build, or one for another Electron, is a sentence", () => {
    const appRoot = tempRoot();
    const options = { packaged: false, resourcesPath: '/nowhere', appRoot, ...target };
    expect(() => resolveElectronNativeBinding(options)).toThrow(
      'The database module has not been built for Electron 41.7.1 yet. Start the app with `npm start`, which builds it.',
    );
    writeBuild(nativesDir({ appRoot, ...target }), { ...target, abi: '140' });
    expect(() => resolveElectronNativeBinding(options)).toThrow(/has not been built/);
  });

  it("is the one packaging put in the app's resources", () => {
    const resourcesPath = tempRoot();
    const options = { packaged: true, resourcesPath, appRoot: '/nowhere', ...target };
    expect(() => resolveElectronNativeBinding(options)).toThrow(
      /Download and install CodeFace again/,
    );
    writeBuild(join(resourcesPath, 'natives'));
    expect(resolveElectronNativeBinding(options)).toBe(
      nativeBindingIn(join(resourcesPath, 'natives')),
    );
  });

  it('is loaded through nothing else: only packages/db opens the driver, and it takes the build', () => {
    // Everything electron.vite.config.ts bundles into the main process.
    const sourceDirs = [
      'apps/desktop/src/main',
      'apps/desktop/src/api',
      'packages/db/src',
      'packages/inference/src',
      'packages/sync/src',
    ];
    const openers: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
          const text = readFileSync(join(REPO, path), 'utf8');
          const valueImport = new RegExp(
            `(?<!import type .*)(from|require\\(|resolve\\()\\s*'${ELECTRON_NATIVE_MODULE}`,
          );
          if (text.split('\n').some((line) => valueImport.test(line))) openers.push(path);
        }
      }
    };
    for (const dir of sourceDirs) walk(dir);
    expect(openers.sort()).toEqual([
      'packages/db/src/checkpointer.ts',
      'packages/db/src/open-database.ts',
      'packages/db/src/rekey.ts',
    ]);
    // Both open their connections with the build they were given.
    for (const file of openers) {
      expect(readFileSync(join(REPO, file), 'utf8')).toMatch(/new Database\([^)]*nativeBinding/);
    }
    const main = readFileSync(join(REPO, 'apps/desktop/src/main/index.ts'), 'utf8');
    expect(main).toMatch(/openAppGate\(\{[\s\S]*nativeBinding: resolveElectronNativeBinding\(/);
  });
});

describe('npm start building the driver for Electron', () => {
  const nodeBuild = () => {
    const pkg = dirname(
      createRequire(import.meta.url).resolve(`${ELECTRON_NATIVE_MODULE}/package.json`),
    );
    return join(pkg, ELECTRON_NATIVE_FILE);
  };
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  it("builds a copy in its own folder, once, and leaves Node's build alone", async () => {
    const appRoot = tempRoot();
    const before = sha(nodeBuild());
    const calls: { buildPath: string; onlyModules: string[] }[] = [];
    const rebuild = async (options: { buildPath: string; onlyModules: string[] }) => {
      calls.push(options);
      const out = join(options.buildPath, 'node_modules', ELECTRON_NATIVE_MODULE, 'build/Release');
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'better_sqlite3.node'), 'electron build');
    };
    // The fake build is for another platform, so the ABI check by loading it is skipped.
    const options = { appRoot, ...target, platform: 'win32' as const, rebuild };
    const dir = await prepareElectronNatives(options);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.onlyModules).toEqual([ELECTRON_NATIVE_MODULE]);
    expect(readFileSync(nativeBindingIn(dir), 'utf8')).toBe('electron build');
    // The package's sources came along (a compile needs them); Node's compiled output did not.
    expect(readdirSync(join(dir, 'node_modules', ELECTRON_NATIVE_MODULE))).toContain('binding.gyp');
    expect(sha(nodeBuild())).toBe(before);
    await prepareElectronNatives(options);
    expect(calls).toHaveLength(1);
  });

  it('fails with a sentence when the headers cannot be downloaded, leaving nothing half-built', async () => {
    const appRoot = tempRoot();
    // What @electron/rebuild does offline: node-gyp's log on stderr, then an error without it.
    const rebuild = async () => {
      console.error(
        'gyp http GET https://www.electronjs.org/headers/v41.7.1/node-v41.7.1-headers.tar.gz\nError: This is most likely not a problem with node-gyp or the package itself and\nis related to network connectivity.',
      );
      throw new Error("node-gyp failed to rebuild '/somewhere'");
    };
    await expect(
      prepareElectronNatives({ appRoot, ...target, platform: 'linux' as const, rebuild }),
    ).rejects.toThrow(
      `CodeFace could not build its database module for Electron 41.7.1: Electron's headers (and a prebuilt module) could not be downloaded from electronjs.org and GitHub. Connect to the internet and run \`npm start\` again; \`npm run serve\` starts the web app meanwhile. The build's output is in ${join(appRoot, '.electron-natives', 'last-build.log')}.`,
    );
    expect(readdirSync(join(appRoot, '.electron-natives'))).toEqual(['last-build.log']);
  });

  it('says to install a compiler when compiling fails', () => {
    expect(describeRebuildFailure('gyp ERR! stack Error: not found: make', '41.7.1')).toMatch(
      /compiling it failed \(gyp ERR! stack Error: not found: make\)\. Install Python 3 and a C\+\+ compiler/,
    );
  });

  it("refuses a build that is Node's, as a build against Node's headers would be", () => {
    const node = process.versions.modules;
    expect(
      builtForOtherAbi(nodeBuild(), { abi: '145', platform: process.platform, arch: process.arch }),
    ).toBe(`it loads in Node ${process.version}, so it was built for Node, not Electron`);
    expect(builtForOtherAbi(nodeBuild(), { abi: node, platform: 'win32', arch: 'x64' })).toBeNull();
  });
});
