import type { DownloadProgress } from '@codeface/ui';
import { describe, expect, it } from 'vitest';
import type { Api } from '../client/api';
import { createModelsStore } from './models';

const progress = (patch: Partial<DownloadProgress>): DownloadProgress => ({
  id: 'd1',
  modelId: 'qwen',
  quantizationId: 'q4',
  fileName: 'qwen.gguf',
  state: 'downloading',
  receivedBytes: 0,
  totalBytes: 1000,
  bytesPerSecond: 0,
  etaSeconds: null,
  error: null,
  connecting: true,
  retry: null,
  ...patch,
});

/** The two calls a download makes, with the server's answers in the test's hands. */
function fakeApi() {
  let push: (value: DownloadProgress) => void = () => undefined;
  let answer: (value: DownloadProgress) => void = () => undefined;
  const api = {
    models: {
      watchDownloads: {
        subscribe: (_input: undefined, handlers: { onData: typeof push }) => {
          push = handlers.onData;
          return { unsubscribe: () => undefined };
        },
      },
      startDownload: {
        mutate: () => new Promise<DownloadProgress>((resolve) => (answer = resolve)),
      },
    },
  } as unknown as Api;
  return {
    api,
    push: (value: DownloadProgress) => push(value),
    answer: (v: DownloadProgress) => answer(v),
  };
}

describe('the models store’s downloads', () => {
  it('keeps the progress that arrived while the start was answered over the start’s snapshot', async () => {
    const { api, push, answer } = fakeApi();
    const store = createModelsStore(api);
    store.getState().watchDownloads();
    const started = store.getState().download({ modelId: 'qwen', quantizationId: 'q4' });
    push(progress({ receivedBytes: 400, connecting: false }));
    answer(progress({}));
    await started;
    expect(store.getState().downloads.d1).toMatchObject({ receivedBytes: 400, connecting: false });
  });

  it('puts a resumed download in the place of its file’s failed row', async () => {
    const { api, push, answer } = fakeApi();
    const store = createModelsStore(api);
    store.getState().watchDownloads();
    push(progress({ id: 'old', state: 'failed', receivedBytes: 300, error: 'offline' }));
    const resumed = store.getState().download({ modelId: 'qwen', quantizationId: 'q4' });
    answer(progress({ id: 'new', receivedBytes: 300 }));
    await resumed;
    expect(Object.keys(store.getState().downloads)).toEqual(['new']);
  });
});
