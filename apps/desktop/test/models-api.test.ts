import { access, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadProgress } from '../src/api/services/model-ports';
import { startModelServer } from './support/model-server';
import type { ModelServer } from './support/model-server';
import { connectClient, removeTestHost, startTestHost } from './support/test-host';
import type { TestClient, TestHost } from './support/test-host';

describe('models procedures', () => {
  let server: ModelServer;
  let host: TestHost;
  let client: TestClient;

  beforeAll(async () => {
    const probe = await startTestHost();
    const modelPath = probe.modelPath;
    await removeTestHost(probe);
    server = await startModelServer({ modelPath });
    host = await startTestHost({ huggingFaceEndpoint: server.endpoint });
    client = connectClient(host);
  }, 60_000);
  afterAll(async () => {
    await client.close();
    await removeTestHost(host);
    await server.close();
  });

  it('lists the catalog with a fit badge for every quantisation', async () => {
    const catalog = await client.api.models.catalog.query();
    expect(catalog.length).toBeGreaterThan(3);
    const quantizations = catalog.flatMap((model) => model.quantizations);
    expect(
      quantizations.every((quant) => ['fits', 'partial-offload', 'too-big'].includes(quant.fit)),
    ).toBe(true);
    // On this CPU-only machine the largest models cannot fit.
    expect(quantizations.some((quant) => quant.fit === 'too-big')).toBe(true);
  }, 60_000);

  it('downloads a catalog model with progress, then loads it', async () => {
    const seen: DownloadProgress[] = [];
    let done: (progress: DownloadProgress) => void = () => undefined;
    const finished = new Promise<DownloadProgress>((resolve) => {
      done = resolve;
    });
    const watch = client.api.models.watchDownloads.subscribe(undefined, {
      onData(progress) {
        seen.push(progress);
        if (progress.state !== 'downloading' && progress.state !== 'verifying') done(progress);
      },
    });
    try {
      const started = await client.api.models.startDownload.mutate({
        modelId: 'qwen2.5-coder-0.5b-instruct',
        quantizationId: 'Q4_K_M',
      });
      expect(started.state).toBe('downloading');
      const last = await finished;
      expect(last.error).toBeNull();
      expect(last.state).toBe('done');
      const inProgress = seen.filter(
        (progress) => progress.state === 'downloading' && progress.receivedBytes > 0,
      );
      expect(inProgress.length).toBeGreaterThan(1);
      expect(inProgress.some((progress) => progress.bytesPerSecond > 0)).toBe(true);
      expect(
        server.requests.some((url) =>
          url.endsWith('/resolve/main/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf'),
        ),
      ).toBe(true);

      const local = await client.api.models.local.query();
      const downloaded = local.find((model) => model.id === last.localModelId);
      expect(downloaded?.source).toBe('downloaded');
      expect(downloaded?.path.startsWith(join(host.dataDir, 'models'))).toBe(true);
      const info = await client.api.models.load.mutate({ modelId: last.localModelId ?? '' });
      expect(info.loadedModel).toBe(last.localModelId);
    } finally {
      watch.unsubscribe();
    }
  }, 60_000);

  it('cancels a download', async () => {
    const started = await client.api.models.startDownload.mutate({
      modelId: 'qwen2.5-coder-0.5b-instruct',
      quantizationId: 'Q5_K_M',
    });
    await client.api.models.cancelDownload.mutate({ downloadId: started.id });
    const after = await new Promise<DownloadProgress | undefined>((resolve) => {
      const check = async () => {
        const download = (await client.api.models.downloads.query()).find(
          (candidate) => candidate.id === started.id,
        );
        // Verifying is not an end either: a cancel then still cancels.
        if (download?.state === 'downloading' || download?.state === 'verifying')
          setTimeout(() => void check(), 50);
        else resolve(download);
      };
      void check();
    });
    expect(after?.state).toBe('cancelled');
  }, 30_000);

  it('removes an ended download with the part it left, and refuses to remove a running one', async () => {
    const started = await client.api.models.startDownload.mutate({
      modelId: 'qwen2.5-coder-0.5b-instruct',
      quantizationId: 'Q5_K_M',
    });
    expect(started).toMatchObject({ connecting: true, retry: null });
    // The earlier test's cancelled row of this file made way for this one (Resume).
    const rows = (await client.api.models.downloads.query()).filter(
      (d) => d.fileName === started.fileName,
    );
    expect(rows.map((d) => d.id)).toEqual([started.id]);
    await expect(
      client.api.models.removeDownload.mutate({ downloadId: started.id }),
    ).rejects.toThrow('Cancel the download before removing it.');
    await client.api.models.cancelDownload.mutate({ downloadId: started.id });
    for (;;) {
      const state = (await client.api.models.downloads.query()).find(
        (d) => d.id === started.id,
      )?.state;
      if (state !== 'downloading' && state !== 'verifying') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.api.models.removeDownload.mutate({ downloadId: started.id });
    expect((await client.api.models.downloads.query()).map((d) => d.id)).not.toContain(started.id);
    await expect(
      access(join(host.dataDir, 'models', `${started.fileName}.part`)),
    ).rejects.toThrow();
  }, 30_000);

  it('finds models other tools downloaded and uses them where they are', async () => {
    const folder = join(host.dataDir, 'lm-studio', 'someone', 'tiny-GGUF');
    await mkdir(folder, { recursive: true });
    await copyFile(host.modelPath, join(folder, 'tiny-q8_0.gguf'));
    const found = await client.api.models.discover.mutate();
    expect(found.map((model) => model.path)).toContain(join(folder, 'tiny-q8_0.gguf'));
    expect(found[0]?.source).toBe('lm-studio');
    expect((await client.api.models.local.query()).map((model) => model.path)).toContain(
      join(folder, 'tiny-q8_0.gguf'),
    );
  });

  it('refuses a file that is not a model, and an unknown catalog entry, with readable messages', async () => {
    const notModel = client.api.models.import.mutate({
      path: join(host.rendererDir, 'index.gguf'),
    });
    await expect(notModel).rejects.toThrow('There is no model file at that path.');
    const unknown = client.api.models.startDownload.mutate({
      modelId: 'nope',
      quantizationId: 'Q4_K_M',
    });
    await expect(unknown).rejects.toThrow('That model is not in the catalog.');
  });
});
