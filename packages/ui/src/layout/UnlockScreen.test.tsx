import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnlockScreen } from './UnlockScreen';

afterEach(cleanup);

describe('the screen of data that cannot be opened', () => {
  it('says why the desktop app cannot open it and starts fresh only after a confirmation', async () => {
    const startFresh = vi.fn(() => Promise.resolve());
    render(
      <UnlockScreen
        status={{ locked: true, reason: 'key-missing', canStartFresh: true, retryAfterMs: 0 }}
        unlock={() => Promise.resolve()}
        startFresh={startFresh}
      />,
    );
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      'Your data cannot be opened',
    );
    expect(screen.getByTestId('unlock-why').textContent).toMatch(
      /no longer in this computer’s keychain/,
    );
    fireEvent.click(screen.getByTestId('unlock-start-fresh-open'));
    expect(screen.getByRole('note').textContent).toMatch(/The encrypted file is not deleted/);
    fireEvent.click(screen.getByTestId('unlock-start-fresh'));
    await waitFor(() => expect(startFresh).toHaveBeenCalledTimes(1));
  });

  it('asks for the passphrase, says a refusal as a sentence, and offers no fresh start where there is none', async () => {
    const unlock = vi.fn(() =>
      Promise.reject(new Error('Too many wrong passphrases: try again in 4 seconds.')),
    );
    render(
      <UnlockScreen
        status={{ locked: true, reason: 'passphrase', canStartFresh: false, retryAfterMs: 0 }}
        unlock={unlock}
        startFresh={() => Promise.resolve()}
      />,
    );
    expect(screen.queryByTestId('unlock-start-fresh-open')).toBeNull();
    fireEvent.click(screen.getByTestId('unlock-submit'));
    expect(screen.getByTestId('unlock-problem').textContent).toBe('Enter the passphrase.');
    expect(unlock).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId('unlock-passphrase'), { target: { value: 'guess' } });
    fireEvent.click(screen.getByTestId('unlock-submit'));
    await waitFor(() =>
      expect(screen.getByTestId('unlock-problem').textContent).toBe(
        'Too many wrong passphrases: try again in 4 seconds.',
      ),
    );
    expect(unlock).toHaveBeenCalledWith('guess');
  });
});
