import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flipFuses, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { Ajv } from 'ajv';
import type { Configuration } from 'electron-builder';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ELECTRON_NATIVE_FILE,
  ELECTRON_NATIVE_MODULE,
  PACKAGED_NATIVES_DIR,
} from '../src/electron-natives';
import { electronExecutable, flipFusesAfterPack, FUSES } from '../scripts/fuses';
import { packagingConfig } from '../scripts/package';

const APP_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = parse(readFileSync(join(APP_ROOT, 'electron-builder.yml'), 'utf8')) as Configuration;
const schema = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('app-builder-lib/scheme.json'), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
const temp = mkdtempSync(join(tmpdir(), 'cf-packaging-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('electron-builder configuration', () => {
  it("is valid under electron-builder's own JSON schema", () => {
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema is strict: a misspelt key is caught.
    expect(validate({ ...config, asarUnpak: ['**/*.node'] })).toBe(false);
  });

  it("builds installers for Linux, macOS (universal) and Windows with the app's icons", () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual([{ target: 'dmg', arch: 'universal' }]);
    expect(config.win?.target).toEqual(['nsis']);
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(existsSync(join(APP_ROOT, 'build/icons', `${size}x${size}.png`))).toBe(true);
    }
    expect(existsSync(join(APP_ROOT, 'build/icons/icon.png'))).toBe(true);
  });

  it("ships the driver's Electron build, not a rebuild of node_modules, and unpacks compiled code", () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.asarUnpack).toContain('**/*.node');
    const run = packagingConfig(config, {
      natives: '/build/.electron-natives/electron-41.7.1-linux-x64',
      updateUrl: 'https://updates.example.com/codeface',
      electronVersion: '41.7.1',
    });
    expect(run.extraResources).toContainEqual({
      from: '/build/.electron-natives/electron-41.7.1-linux-x64',
      to: PACKAGED_NATIVES_DIR,
      filter: ['manifest.json', `node_modules/${ELECTRON_NATIVE_MODULE}/${ELECTRON_NATIVE_FILE}`],
    });
    expect(run.publish).toEqual([
      { provider: 'generic', url: 'https://updates.example.com/codeface' },
    ]);
    expect(run.afterPack).toBe(flipFusesAfterPack);
    const { afterPack: _hook, ...json } = run;
    expect(validate(json), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // Without a feed there is no app-update.yml and the app never checks.
    expect(
      packagingConfig(config, { natives: '/n', updateUrl: null, electronVersion: '41.7.1' })
        .publish,
    ).toBeNull();
  });
});

/** How the fuse wire stores a state (@electron/fuses does not export its FuseState enum). */
const ENABLE = 49;
const DISABLE = 48;

describe("Electron's fuses at packaging", () => {
  /** A stand-in for Electron's binary: bytes around the fuse wire, every fuse as Electron ships it. */
  function fakeElectron(file: string, shipped: number[]): void {
    const wire = Buffer.from([1, shipped.length, ...shipped]);
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.alloc(4096, 7),
        Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
        wire,
        Buffer.alloc(4096, 9),
      ]),
    );
  }

  it('flips every fuse in the packaged binary, and nothing else', async () => {
    const appOutDir = join(temp, 'linux-unpacked');
    mkdirSync(appOutDir, { recursive: true });
    const binary = join(appOutDir, 'codeface');
    // Electron's defaults: RunAsNode, cookie encryption off, NODE_OPTIONS, inspect on, …
    fakeElectron(binary, [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE]);
    const before = readFileSync(binary);
    await flipFusesAfterPack({
      appOutDir,
      electronPlatformName: 'linux',
      arch: 1,
      packager: {
        appInfo: { productFilename: 'CodeFace', sanitizedName: 'codeface' },
        executableName: 'codeface',
      },
    });
    const wire = await getCurrentFuseWire(binary);
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ENABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(DISABLE);
    const after = readFileSync(binary);
    expect(after.length).toBe(before.length);
    expect(after.subarray(0, 4096 + 34)).toEqual(before.subarray(0, 4096 + 34));
    expect(after.subarray(4096 + 34 + 8)).toEqual(before.subarray(4096 + 34 + 8));
  });

  it('refuses an Electron with a fuse this configuration has not decided', async () => {
    const binary = join(temp, 'newer-electron');
    fakeElectron(binary, [
      ENABLE,
      DISABLE,
      ENABLE,
      ENABLE,
      DISABLE,
      DISABLE,
      DISABLE,
      ENABLE,
      DISABLE,
    ]);
    await expect(flipFuses(binary, FUSES)).rejects.toThrow(/strictlyRequireAllFuses/);
  });

  it('finds the binary that holds the fuses on each platform', () => {
    const names = { appOutDir: '/out', productFilename: 'CodeFace', executableName: 'codeface' };
    expect(electronExecutable({ ...names, platform: 'linux' })).toBe('/out/codeface');
    expect(electronExecutable({ ...names, platform: 'win32' })).toBe('/out/CodeFace.exe');
    expect(electronExecutable({ ...names, platform: 'darwin' })).toBe('/out/CodeFace.app');
  });
});
