import { useState } from 'react';
import type { PrivacyStatus } from '../types';

/** Resolves once the key is kept; rejects with a sentence saying what failed. */
export type EncryptData = () => Promise<void>;

const errorText = (error: unknown): string =>
  error instanceof Error && error.message ? error.message : 'Could not set up encryption.';

/** The sentence every way of encrypting starts with: there is no way back from a lost key. */
const KEY_LOST =
  'If the key is lost, the data is lost: nobody can read your chats without it, CodeFace included.';

function EncryptForm(props: { encrypt: EncryptData }) {
  const [understood, setUnderstood] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="cf-privacy-form">
      <div className="cf-callout" role="note" data-testid="privacy-warning">
        <strong>{KEY_LOST}</strong> The key is kept in this computer’s keychain only. Resetting the
        keychain, reinstalling the system or copying the data folder to another computer leaves your
        chats unreadable. Export them first if you want a copy you can read anywhere.
      </div>
      <label className="cf-check">
        <input
          type="checkbox"
          data-testid="privacy-understood"
          checked={understood}
          onChange={(event) => setUnderstood(event.target.checked)}
        />
        I understand that a lost key cannot be recovered
      </label>
      <div className="cf-row">
        <button
          type="button"
          className="cf-button cf-button-primary"
          data-testid="privacy-encrypt"
          disabled={!understood || busy}
          onClick={() => {
            setBusy(true);
            setProblem(null);
            props.encrypt().then(
              () => setBusy(false),
              (error: unknown) => {
                setBusy(false);
                setProblem(errorText(error));
              },
            );
          }}
        >
          Encrypt my data
        </button>
      </div>
      {problem && (
        <p className="cf-text-danger" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

/**
 * Settings → Privacy: whether the chats are encrypted on disk, and how to turn it on. The desktop
 * app keeps a key in the OS keychain; the web host is started with a passphrase.
 */
export function PrivacySettings(props: { status: PrivacyStatus | null; encrypt: EncryptData }) {
  const { status } = props;
  if (!status) return <p className="cf-muted">Loading…</p>;
  return (
    <div className="cf-privacy-form" data-testid="privacy" data-encryption={status.encryption}>
      <p data-testid="privacy-state">
        {status.encryption === 'os-keychain' &&
          'Your chats are encrypted on disk with a key kept in this computer’s keychain.'}
        {status.encryption === 'passphrase' &&
          'Your chats are encrypted on disk with the passphrase CodeFace was started with.'}
        {status.encryption === 'none' &&
          (status.pending
            ? 'Encryption is set up: CodeFace encrypts your data the next time it starts, after taking a copy. Quit and start it again.'
            : 'Your chats are stored unencrypted in the data folder, readable by anyone who can read your files.')}
      </p>
      {status.encryption === 'none' && !status.pending && status.keychain && (
        <EncryptForm encrypt={props.encrypt} />
      )}
      {status.encryption === 'none' && !status.keychain && (
        <>
          <p className="cf-muted">
            To encrypt them, stop CodeFace and start it again with a passphrase. The data is
            encrypted at that start: a copy is taken first and deleted once the encrypted file
            checks out. From then on CodeFace needs the passphrase at every start.
          </p>
          <pre className="cf-setup-env">
            CODEFACE_PASSPHRASE='a long passphrase' npm run serve -w apps/desktop
          </pre>
          <div className="cf-callout" role="note" data-testid="privacy-warning">
            <strong>{KEY_LOST}</strong> Forget the passphrase and the chats cannot be recovered.
          </div>
        </>
      )}
    </div>
  );
}
