import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Configuration } from 'electron-builder';
import { parse } from 'yaml';
import { PACKAGED_NATIVES_DIR } from '../src/electron-natives';
import { readEnv } from '../src/env';
import { installedElectron, prepareElectronNatives } from '../src/prepare-electron-natives';
import { flipFusesAfterPack } from './fuses';

/**
 * `npm run package -w apps/desktop [-- --dir]`: the installers for this machine's platform and
 * architecture in dist/packages (AppImage and deb, dmg, or the nsis installer). Native modules
 * cannot be cross-compiled, so each platform is packaged on its own kind of machine.
 */
const APP_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The checked-in configuration with what only the packaging run knows. */
export function packagingConfig(
  config: Configuration,
  run: { natives: string; updateUrl: string | null; electronVersion: string },
): Configuration {
  const resources = Array.isArray(config.extraResources) ? config.extraResources : [];
  return {
    ...config,
    electronVersion: run.electronVersion,
    afterPack: flipFusesAfterPack,
    extraResources: resources.map((resource) =>
      typeof resource === 'object' && resource.to === PACKAGED_NATIVES_DIR
        ? { ...resource, from: run.natives }
        : resource,
    ),
    // Without a feed the app is built without app-update.yml and never checks for updates.
    publish: run.updateUrl === null ? null : [{ provider: 'generic', url: run.updateUrl }],
  };
}

async function main(): Promise<void> {
  const electron = installedElectron();
  const natives = await prepareElectronNatives({
    appRoot: APP_ROOT,
    ...electron,
    log: (line) => console.log(line),
  });
  const bundle = spawnSync(
    process.execPath,
    [join(APP_ROOT, 'node_modules/.bin/electron-vite'), 'build'],
    {
      cwd: APP_ROOT,
      stdio: 'inherit',
    },
  );
  if (bundle.status !== 0) throw new Error('Building the desktop app failed.');
  const config = parse(
    readFileSync(join(APP_ROOT, 'electron-builder.yml'), 'utf8'),
  ) as Configuration;
  await build({
    projectDir: APP_ROOT,
    dir: process.argv.includes('--dir'),
    publish: 'never',
    config: packagingConfig(config, {
      natives,
      updateUrl: readEnv().CODEFACE_UPDATE_URL ?? null,
      electronVersion: electron.electronVersion,
    }),
  });
}

// Imported by the packaging test for packagingConfig; run as a script by `npm run package`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
