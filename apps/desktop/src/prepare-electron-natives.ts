import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import {
  ELECTRON_NATIVE_FILE,
  ELECTRON_NATIVE_MODULE,
  hasNativeBuild,
  nativeBindingIn,
  manifestPathIn,
  nativesDir,
  writeManifestText,
} from './electron-natives';
import { dropNpmNodedir } from './env';

type RebuildFunction = (options: {
  buildPath: string;
  electronVersion: string;
  platform: NodeJS.Platform;
  arch: string;
  onlyModules: string[];
  force: boolean;
}) => Promise<void>;

const require = createRequire(import.meta.url);

/** The installed Electron's version and the ABI (`process.versions.modules`) it reports. */
export function installedElectron(): { electronVersion: string; abi: string } {
  const dir = dirname(require.resolve('electron/package.json'));
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { electronVersion: version, abi: readFileSync(join(dir, 'abi_version'), 'utf8').trim() };
}

const NETWORK_CODES =
  /network connectivity|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo/;

/** What went wrong, as a sentence that says what to do; the tool's own text only as the cause. */
export function describeRebuildFailure(text: string, electronVersion: string): string {
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? 'no message';
  const what = `CodeFace could not build its database module for Electron ${electronVersion}`;
  if (NETWORK_CODES.test(text)) {
    return `${what}: Electron's headers (and a prebuilt module) could not be downloaded from electronjs.org and GitHub. Connect to the internet and run \`npm start\` again; \`npm run serve\` starts the web app meanwhile.`;
  }
  return `${what}: compiling it failed (${firstLine}). Install Python 3 and a C++ compiler (build-essential, Xcode's command line tools or Visual Studio's C++ workload) and run \`npm start\` again.`;
}

/**
 * Why a fresh build is not for Electron's ABI, or null when it is (or cannot be checked: a build
 * for another platform). Node refuses a module for another ABI with a message naming the ABI it
 * was built for, so loading it here tells exactly what was built.
 */
export function builtForOtherAbi(
  file: string,
  target: { abi: string; platform: string; arch: string },
): string | null {
  const { abi, platform, arch } = target;
  if (platform !== process.platform || arch !== process.arch) return null;
  if (!existsSync(file)) return `there is no ${ELECTRON_NATIVE_FILE}`;
  try {
    process.dlopen({ exports: {} }, file);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (text.includes(`NODE_MODULE_VERSION ${abi}.`)) return null;
    return text.split('\n')[0] ?? text;
  }
  return `it loads in Node ${process.version}, so it was built for Node, not Electron`;
}

/**
 * Builds the database driver for Electron's ABI into `.electron-natives/` once per Electron
 * version and target: a copy of the package is rebuilt there with @electron/rebuild (a prebuilt
 * download when one exists, otherwise a compile against Electron's headers), so the build in
 * node_modules stays Node's. Returns the folder; a later call finds it and does nothing.
 */
export async function prepareElectronNatives(options: {
  appRoot: string;
  electronVersion: string;
  abi: string;
  platform?: NodeJS.Platform;
  arch?: string;
  log?: (line: string) => void;
  /** @electron/rebuild's `rebuild`; tests pass their own. */
  rebuild?: RebuildFunction;
}): Promise<string> {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const dir = nativesDir({ ...options, platform, arch });
  if (hasNativeBuild(dir, options.abi)) return dir;
  options.log?.(
    `Building the database module for Electron ${options.electronVersion} (first start only; about a minute with a prebuilt download, a few minutes when it compiles)…`,
  );
  const rebuild = options.rebuild ?? (await import('@electron/rebuild')).rebuild;
  const source = dirname(require.resolve(`${ELECTRON_NATIVE_MODULE}/package.json`));
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as {
    version: string;
  };
  // Built in a side folder and moved into place whole, so an interrupted build is never taken
  // for a finished one.
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const target = join(partial, 'node_modules', ELECTRON_NATIVE_MODULE);
  mkdirSync(target, { recursive: true });
  cpSync(source, target, {
    recursive: true,
    // Node's compiled output stays behind; everything needed to build again comes along.
    filter: (path) => {
      const inside = relative(source, path);
      return inside !== 'build' && !inside.startsWith(`build${sep}`);
    },
  });
  writeFileSync(
    join(partial, 'package.json'),
    `${JSON.stringify({ name: 'codeface-electron-natives', private: true, dependencies: { [ELECTRON_NATIVE_MODULE]: version } }, null, 2)}\n`,
  );
  dropNpmNodedir();
  // @electron/rebuild prints node-gyp's whole verbose log when a build fails; it goes to a file,
  // and the person reads one sentence.
  const output: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => output.push(args.map(String).join(' '));
  try {
    await rebuild({
      buildPath: partial,
      electronVersion: options.electronVersion,
      platform,
      arch,
      onlyModules: [ELECTRON_NATIVE_MODULE],
      force: true,
    });
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    const log = join(dirname(dir), 'last-build.log');
    const text = [error instanceof Error ? error.message : String(error), ...output].join('\n');
    writeFileSync(log, text);
    throw new Error(
      `${describeRebuildFailure(text, options.electronVersion)} The build's output is in ${log}.`,
      {
        cause: error,
      },
    );
  } finally {
    console.error = consoleError;
  }
  writeFileSync(
    manifestPathIn(partial),
    writeManifestText({
      electronVersion: options.electronVersion,
      abi: options.abi,
      platform,
      arch,
    }),
  );
  const problem = builtForOtherAbi(nativeBindingIn(partial), { abi: options.abi, platform, arch });
  if (problem !== null) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(
      `CodeFace built its database module, but not for Electron ${options.electronVersion} (${problem}). Run \`npm start\` again; if it happens again, report it with this message.`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  if (!hasNativeBuild(dir, options.abi)) {
    throw new Error(
      `CodeFace built its database module for Electron ${options.electronVersion}, but the build has no ${ELECTRON_NATIVE_MODULE} module in ${dir}. Delete that folder and run \`npm start\` again.`,
    );
  }
  return dir;
}
