import { useEffect, useRef, useState } from 'react';
import type { LockStatus } from '../types';

type Locked = Extract<LockStatus, { locked: true }>;

const errorText = (error: unknown): string =>
  error instanceof Error && error.message ? error.message : 'That did not work. Try again.';

/** Why the data cannot be opened, in the person's terms. */
function why(reason: Locked['reason']): string {
  switch (reason) {
    case 'passphrase':
      return 'Your CodeFace data is encrypted with a passphrase. Enter it to open your chats.';
    case 'key-missing':
      return 'Your CodeFace data is encrypted, and the key for it is no longer in this computer’s keychain (the keychain was reset, or the data folder came from another computer). Without the key the data cannot be opened.';
    case 'keychain-unavailable':
      return 'Your CodeFace data is encrypted, and this computer offers no keychain, so CodeFace keeps no key for it. Without its passphrase the data cannot be opened.';
  }
}

/**
 * Shown instead of the app while the data waits for its key: the web host started without its
 * passphrase, or the desktop app whose keychain lost the key. A passphrase opens it if the data
 * has one; the desktop app can also start fresh, the encrypted file kept aside, never deleted.
 */
export function UnlockScreen(props: {
  status: Locked;
  unlock: (passphrase: string) => Promise<void>;
  /** Sets the encrypted file aside under a new name and opens an empty store. */
  startFresh: () => Promise<void>;
}) {
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmFresh, setConfirmFresh] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  const run = (work: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    work().then(
      () => setBusy(false),
      (error: unknown) => {
        setBusy(false);
        setProblem(errorText(error));
        field.current?.select();
      },
    );
  };
  const { reason } = props.status;
  return (
    <main className="cf-empty" data-testid="unlock" data-reason={reason}>
      <h1 className="cf-empty-title">
        {reason === 'passphrase' ? 'Unlock your data' : 'Your data cannot be opened'}
      </h1>
      <p data-testid="unlock-why">{why(reason)}</p>
      <form
        className="cf-privacy-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (passphrase === '') {
            setProblem('Enter the passphrase.');
            return;
          }
          run(() => props.unlock(passphrase));
        }}
      >
        {reason !== 'passphrase' && (
          <p className="cf-muted">
            If the data was encrypted with a passphrase, it opens with that passphrase.
          </p>
        )}
        <div className="cf-field">
          <label className="cf-label" htmlFor="unlock-passphrase">
            Passphrase
          </label>
          <input
            ref={field}
            id="unlock-passphrase"
            className="cf-input"
            type="password"
            autoComplete="current-password"
            data-testid="unlock-passphrase"
            value={passphrase}
            onChange={(event) => setPassphrase(event.target.value)}
          />
        </div>
        <div className="cf-row">
          <button
            type="submit"
            className="cf-button cf-button-primary"
            data-testid="unlock-submit"
            disabled={busy}
          >
            Unlock
          </button>
        </div>
        {problem && (
          <p className="cf-text-danger" role="alert" data-testid="unlock-problem">
            {problem}
          </p>
        )}
      </form>
      {props.status.canStartFresh && (
        <section className="cf-privacy-form" aria-label="Start fresh">
          <h2>No passphrase?</h2>
          {confirmFresh ? (
            <>
              <div className="cf-callout" role="note">
                CodeFace starts with no chats. The encrypted file is not deleted: it stays in the
                data folder under a new name, and opens again if the key turns up.
              </div>
              <div className="cf-row">
                <button
                  type="button"
                  className="cf-button cf-button-danger"
                  data-testid="unlock-start-fresh"
                  disabled={busy}
                  onClick={() => run(props.startFresh)}
                >
                  Start fresh
                </button>
                <button type="button" className="cf-button" onClick={() => setConfirmFresh(false)}>
                  Cancel
                </button>
              </div>
            </>
          ) : (
            <button
              type="button"
              className="cf-button"
              data-testid="unlock-start-fresh-open"
              onClick={() => setConfirmFresh(true)}
            >
              Start fresh, keeping the encrypted file aside…
            </button>
          )}
        </section>
      )}
    </main>
  );
}
