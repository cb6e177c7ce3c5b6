import { describe, expect, it, vi } from 'vitest';
import { startUpdates } from './updates';

function fakeUpdater() {
  return {
    setFeedURL: vi.fn(),
    on: vi.fn(),
    checkForUpdatesAndNotify: vi.fn(() => Promise.resolve(null)),
  };
}

describe('updates', () => {
  it('never check in a development run', () => {
    const updater = fakeUpdater();
    expect(
      startUpdates({ updater: updater as never, isPackaged: false, feedUrl: null, log: vi.fn() }),
    ).toBe(false);
    expect(updater.checkForUpdatesAndNotify).not.toHaveBeenCalled();
  });

  it("use the feed from Settings over the build's own, with the generic provider", () => {
    const updater = fakeUpdater();
    startUpdates({
      updater: updater as never,
      isPackaged: true,
      feedUrl: 'https://updates.example/codeface',
      log: vi.fn(),
    });
    expect(updater.setFeedURL).toHaveBeenCalledWith({
      provider: 'generic',
      url: 'https://updates.example/codeface',
    });
    expect(updater.checkForUpdatesAndNotify).toHaveBeenCalled();
  });

  it("keep the build's feed when Settings has none, and log a failed check", async () => {
    const updater = fakeUpdater();
    updater.checkForUpdatesAndNotify.mockRejectedValueOnce(new Error('offline'));
    const log = vi.fn();
    startUpdates({ updater: updater as never, isPackaged: true, feedUrl: null, log });
    await Promise.resolve();
    await Promise.resolve();
    expect(updater.setFeedURL).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('Update check failed: offline');
  });
});
