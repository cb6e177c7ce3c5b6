import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DownloadProgress } from '../types';
import { ModelsScreen, type ModelActions } from './ModelsScreen';

afterEach(cleanup);

const download = (over: Partial<DownloadProgress>): DownloadProgress => ({
  id: 'd1',
  modelId: 'm',
  quantizationId: 'Q4_K_M',
  fileName: 'model.gguf',
  state: 'downloading',
  receivedBytes: 0,
  totalBytes: 380_000_000,
  bytesPerSecond: 0,
  etaSeconds: null,
  error: null,
  connecting: false,
  retry: null,
  ...over,
});

function renderDownloads(downloads: DownloadProgress[]) {
  const actions: ModelActions = {
    download: vi.fn(),
    cancelDownload: vi.fn(),
    removeDownload: vi.fn(),
    importFile: vi.fn(),
    browseFolder: vi.fn(),
    discover: vi.fn(),
    load: vi.fn(),
    unload: vi.fn(),
  };
  render(
    <ModelsScreen
      engine={null}
      catalog={[]}
      downloads={downloads}
      models={[]}
      canPickFiles={false}
      pendingModelId={null}
      actions={actions}
      remoteServers={[]}
      remoteActions={{
        test: vi.fn(),
        add: vi.fn(),
        remove: vi.fn(),
        load: vi.fn(),
        unload: vi.fn(),
      }}
    />,
  );
  return actions;
}

describe('a download row', () => {
  it('says it is connecting before the first byte, with a bar that measures nothing yet', () => {
    renderDownloads([download({ connecting: true })]);
    expect(screen.getByTestId('download-status').textContent).toBe('Connecting…');
    const bar = screen.getByTestId('download-progress');
    expect(bar.getAttribute('role')).toBe('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBeNull();
  });

  it('says when it retries, in how long, and which attempt of how many', () => {
    renderDownloads([download({ retry: { attempt: 2, attempts: 5, inSeconds: 2 } })]);
    expect(screen.getByTestId('download-status').textContent).toBe(
      'No connection — retrying in 2 s (attempt 2 of 5)',
    );
  });

  it('fills its bar with what arrived', () => {
    renderDownloads([download({ receivedBytes: 95_000_000, bytesPerSecond: 1_000_000 })]);
    const bar = screen.getByTestId('download-progress');
    expect(bar.getAttribute('aria-valuenow')).toBe('95000000');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('25.00%');
  });

  it('shows a failure once, on the row, with Resume and Remove', () => {
    const error = 'The download server could not be reached.';
    const actions = renderDownloads([download({ state: 'failed', error })]);
    expect(screen.getByTestId('download-status').textContent).toBe(error);
    fireEvent.click(screen.getByTestId('resume-download'));
    expect(actions.download).toHaveBeenCalledWith({ modelId: 'm', quantizationId: 'Q4_K_M' });
    fireEvent.click(screen.getByTestId('remove-download'));
    expect(actions.removeDownload).toHaveBeenCalledWith('d1');
  });
});
