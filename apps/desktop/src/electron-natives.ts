import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The native modules built against V8's own API, which differs between Node and Electron: they
 * need a build for Electron's ABI. node-llama-cpp, onnxruntime-node and @node-rs/argon2 are
 * N-API modules (one build serves both), so they need none.
 */
export const ELECTRON_NATIVE_MODULE = 'better-sqlite3-multiple-ciphers';
/** The compiled file inside that package, relative to its folder. */
export const ELECTRON_NATIVE_FILE = 'build/Release/better_sqlite3.node';
/** Where a packaged app keeps the Electron build, under `process.resourcesPath`. */
export const PACKAGED_NATIVES_DIR = 'natives';

/** What the folder of one Electron build says about itself. */
type NativesManifest = { electronVersion: string; abi: string; platform: string; arch: string };

/**
 * The folder of the Electron builds for one Electron version and target, under the app's own
 * `.electron-natives/`: a place of their own, so Node's build in node_modules (which `npm test`
 * and the web host load) is never touched.
 */
export function nativesDir(options: {
  appRoot: string;
  electronVersion: string;
  platform: string;
  arch: string;
}): string {
  const { appRoot, electronVersion, platform, arch } = options;
  return join(appRoot, '.electron-natives', `electron-${electronVersion}-${platform}-${arch}`);
}

/** The compiled module inside a natives folder. */
export function nativeBindingIn(dir: string): string {
  return join(dir, 'node_modules', ELECTRON_NATIVE_MODULE, ELECTRON_NATIVE_FILE);
}

/** The manifest file written next to the build once it is complete. */
export function manifestPathIn(dir: string): string {
  return join(dir, 'manifest.json');
}

export function writeManifestText(manifest: NativesManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function readManifest(dir: string): NativesManifest | null {
  try {
    return JSON.parse(readFileSync(manifestPathIn(dir), 'utf8')) as NativesManifest;
  } catch {
    return null;
  }
}

/** True when the folder holds a complete build for this ABI (the manifest is written last). */
export function hasNativeBuild(dir: string, abi: string): boolean {
  return readManifest(dir)?.abi === abi && existsSync(nativeBindingIn(dir));
}

/**
 * The database driver's compiled module for the running Electron: the one packaging shipped in
 * the app's resources, or in development the one `npm start` built. There is no fallback to
 * Node's build, which Electron cannot load: a missing build is a sentence saying what to run.
 */
export function resolveElectronNativeBinding(options: {
  packaged: boolean;
  resourcesPath: string;
  appRoot: string;
  electronVersion: string;
  /** `process.versions.modules` of the running Electron. */
  abi: string;
  platform: string;
  arch: string;
}): string {
  if (options.packaged) {
    const dir = join(options.resourcesPath, PACKAGED_NATIVES_DIR);
    if (!hasNativeBuild(dir, options.abi)) {
      throw new Error(
        'This copy of CodeFace is missing its database module. Download and install CodeFace again.',
      );
    }
    return nativeBindingIn(dir);
  }
  const dir = nativesDir(options);
  if (!hasNativeBuild(dir, options.abi)) {
    throw new Error(
      `The database module has not been built for Electron ${options.electronVersion} yet. Start the app with \`npm start\`, which builds it.`,
    );
  }
  return nativeBindingIn(dir);
}
