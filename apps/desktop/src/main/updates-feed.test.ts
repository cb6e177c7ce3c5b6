import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { ClientRequest, IncomingMessage, RequestOptions, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// electron-updater's own HTTP runtime: the updater's default client is Electron's `net`.
import {
  configureRequestOptions,
  configureRequestUrl,
  HttpExecutor,
  type DownloadOptions,
} from 'builder-util-runtime';
import electronUpdater from 'electron-updater';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpdates } from './updates';

/**
 * Requests with Node's http instead of Electron's net, the one thing replaced here; `download`
 * as electron-updater's ElectronHttpExecutor does it, through the runtime's own doDownload.
 */
class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void) {
    return request(options, callback);
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error == null ? resolve(destination) : reject(error)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}

const PACKAGE = Buffer.from('the 0.2.0 package');
const sha512 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64');

describe('updates from a generic feed over HTTP (electron-updater, Electron replaced)', () => {
  let server: Server;
  let feed: string;
  let served = PACKAGE;
  const requests: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'cf-updates-'));
  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://feed').pathname;
      requests.push(path);
      if (path === '/latest-linux.yml') {
        res.end(
          [
            'version: 0.2.0',
            'files:',
            '  - url: CodeFace-0.2.0.deb',
            `    sha512: ${sha512(PACKAGE)}`,
            `    size: ${PACKAGE.length}`,
            'path: CodeFace-0.2.0.deb',
            `sha512: ${sha512(PACKAGE)}`,
            "releaseDate: '2026-12-01T00:00:00.000Z'",
          ].join('\n'),
        );
      } else if (path === '/CodeFace-0.2.0.deb') {
        res.end(served);
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    feed = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // What packaging writes next to the app (electron-builder's publish config).
    writeFileSync(
      join(dir, 'app-update.yml'),
      'provider: generic\nurl: https://updates.invalid/codeface\nupdaterCacheDirName: codeface-updater\n',
    );
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A packaged 0.1.0 on Linux, as electron-updater sees the app through its adapter. */
  function packagedApp() {
    const updater = new electronUpdater.DebUpdater(null, {
      version: '0.1.0',
      name: 'CodeFace',
      isPackaged: true,
      appUpdateConfigPath: join(dir, 'app-update.yml'),
      userDataPath: dir,
      baseCachePath: join(dir, 'cache'),
      whenReady: () => Promise.resolve(),
      relaunch: () => undefined,
      quit: () => undefined,
      onQuit: () => undefined,
    });
    Object.assign(updater, { httpExecutor: new NodeHttpExecutor() });
    // The download is tested on its own below; the notification after it needs Electron.
    updater.autoDownload = false;
    updater.logger = null;
    return updater;
  }

  it('finds the newer version on the feed from Settings, and downloads it checking its hash', async () => {
    const updater = packagedApp();
    const available = new Promise<string>((found) =>
      updater.once('update-available', (info: { version: string }) => found(info.version)),
    );
    const logs: string[] = [];
    expect(
      startUpdates({ updater, isPackaged: true, feedUrl: feed, log: (line) => logs.push(line) }),
    ).toBe(true);
    expect(await available).toBe('0.2.0');
    expect(requests).toContain('/latest-linux.yml');
    const [file] = await updater.downloadUpdate();
    expect(file).toMatch(/CodeFace-0\.2\.0\.deb$/);
    expect(logs).toEqual([]);
  });

  it('refuses a package whose bytes are not the ones the feed announced', async () => {
    served = Buffer.from('a tampered package');
    const updater = packagedApp();
    updater.setFeedURL({ provider: 'generic', url: feed });
    // Nothing from the first test's download may be reused.
    rmSync(join(dir, 'cache'), { recursive: true, force: true });
    await updater.checkForUpdates();
    await expect(updater.downloadUpdate()).rejects.toThrow(/sha512 checksum mismatch/);
    served = PACKAGE;
  });
});
