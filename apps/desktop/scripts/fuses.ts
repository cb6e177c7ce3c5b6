import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

/**
 * Electron's fuses, flipped in the packaged binary (Electron's security checklist): no
 * ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, no --inspect arguments, cookies encrypted, the app
 * loaded only from its asar archive and that archive checked against the hash in the binary,
 * and no extra privileges for file:// (the app uses app://). Every fuse is set, so an Electron
 * with a new fuse fails the packaging until it is decided here.
 */
export const FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
} satisfies FuseV1Config;

/** The file that holds the fuse wire in a packaged app's folder. */
export function electronExecutable(options: {
  appOutDir: string;
  platform: string;
  productFilename: string;
  executableName: string;
}): string {
  const { appOutDir, platform, productFilename, executableName } = options;
  if (platform === 'darwin' || platform === 'mas') return join(appOutDir, `${productFilename}.app`);
  if (platform === 'win32') return join(appOutDir, `${productFilename}.exe`);
  return join(appOutDir, executableName);
}

/** electron-builder's afterPack hook: runs before signing, so the signature covers the fuses. */
export async function flipFusesAfterPack(context: {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  // Only the Linux packager has executableName; the others name the binary after the product.
  packager: {
    appInfo: { productFilename: string; sanitizedName: string };
    executableName?: string;
  };
}): Promise<void> {
  const executable = electronExecutable({
    appOutDir: context.appOutDir,
    platform: context.electronPlatformName,
    productFilename: context.packager.appInfo.productFilename,
    executableName:
      context.packager.executableName ?? context.packager.appInfo.sanitizedName.toLowerCase(),
  });
  // electron-builder's Arch enum: 3 is arm64. An arm64 macOS binary must be signed again (ad hoc)
  // after its bytes change, or it will not start before the real signature is applied.
  const arm64Mac = context.electronPlatformName === 'darwin' && context.arch === 3;
  await flipFuses(executable, { ...FUSES, resetAdHocDarwinSignature: arm64Mac });
}
