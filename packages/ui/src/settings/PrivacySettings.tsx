import { useState } from 'react';
import type { ReactNode } from 'react';
import { ProgressBar } from '../feedback/ProgressBar';
import type { PrivacyStatus } from '../types';

/** Each resolves once the data is re-keyed; rejects with a sentence saying what failed. */
export type PrivacyActions = {
  encryptData(passphrase?: string): Promise<void>;
  decryptData(currentPassphrase?: string): Promise<void>;
  changePassphrase(currentPassphrase: string, newPassphrase: string): Promise<void>;
};

const MIN_PASSPHRASE = 8;

const errorText = (error: unknown): string =>
  error instanceof Error && error.message ? error.message : 'That did not work. Try again.';

/** The sentence every way of encrypting starts with: there is no way back from a lost key. */
const KEY_LOST =
  'If the key is lost, the data is lost: nobody can read your chats without it, CodeFace included.';

/** How the rewrite goes, said before each change: nothing needs a restart. */
const HOW_IT_RUNS =
  'CodeFace takes a copy of the data first, rewrites the file while it keeps running, and deletes the copy once the new file checks out. Answers being written are stopped.';

function PassphraseField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: 'current-password' | 'new-password';
}) {
  return (
    <div className="cf-field">
      <label className="cf-label" htmlFor={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        className="cf-input"
        type="password"
        data-testid={props.id}
        autoComplete={props.autoComplete}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </div>
  );
}

/**
 * One change of the encryption: what it does, said first; a tick where it can lose data; the
 * button; and the failure as a sentence. `problem` is checked before anything is sent.
 */
function ChangeForm(props: {
  testId: string;
  notice: ReactNode;
  tick?: string;
  children?: ReactNode;
  button: string;
  danger?: boolean;
  problem: () => string | null;
  run: () => Promise<void>;
  onCancel?: () => void;
}) {
  const [ticked, setTicked] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="cf-privacy-form"
      data-testid={props.testId}
      onSubmit={(event) => {
        event.preventDefault();
        const invalid = props.problem();
        setProblem(invalid);
        if (invalid !== null) return;
        setBusy(true);
        props.run().then(
          () => setBusy(false),
          (error: unknown) => {
            setBusy(false);
            setProblem(errorText(error));
          },
        );
      }}
    >
      <div className="cf-callout" role="note" data-testid="privacy-warning">
        {props.notice}
      </div>
      {props.children}
      {props.tick !== undefined && (
        <label className="cf-check">
          <input
            type="checkbox"
            data-testid="privacy-understood"
            checked={ticked}
            onChange={(event) => setTicked(event.target.checked)}
          />
          {props.tick}
        </label>
      )}
      <div className="cf-row">
        <button
          type="submit"
          className={`cf-button ${props.danger ? 'cf-button-danger' : 'cf-button-primary'}`}
          data-testid={`${props.testId}-confirm`}
          disabled={(props.tick !== undefined && !ticked) || busy}
        >
          {props.button}
        </button>
        {props.onCancel && (
          <button type="button" className="cf-button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
      {problem && (
        <p className="cf-text-danger" role="alert" data-testid="privacy-problem">
          {problem}
        </p>
      )}
    </form>
  );
}

function newPassphraseProblem(next: string, repeat: string): string | null {
  if (next.length < MIN_PASSPHRASE) {
    return `A passphrase needs at least ${MIN_PASSPHRASE} characters.`;
  }
  return next === repeat ? null : 'The two passphrases are not the same.';
}

function EncryptForm(props: { keychain: boolean; actions: PrivacyActions }) {
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  if (props.keychain) {
    return (
      <ChangeForm
        testId="privacy-encrypt"
        notice={
          <>
            <strong>{KEY_LOST}</strong> The key is kept in this computer’s keychain only. Resetting
            the keychain, reinstalling the system or copying the data folder to another computer
            leaves your chats unreadable. Export them first if you want a copy you can read
            anywhere. {HOW_IT_RUNS}
          </>
        }
        tick="I understand that a lost key cannot be recovered"
        button="Encrypt my data"
        problem={() => null}
        run={() => props.actions.encryptData()}
      />
    );
  }
  return (
    <ChangeForm
      testId="privacy-encrypt"
      notice={
        <>
          <strong>{KEY_LOST}</strong> Forget the passphrase and the chats cannot be recovered. From
          now on CodeFace starts locked and asks for it. {HOW_IT_RUNS}
        </>
      }
      tick="I understand that a forgotten passphrase cannot be recovered"
      button="Encrypt with this passphrase"
      problem={() => newPassphraseProblem(next, repeat)}
      run={() => props.actions.encryptData(next)}
    >
      <PassphraseField
        id="privacy-new-passphrase"
        label="Passphrase"
        value={next}
        onChange={setNext}
        autoComplete="new-password"
      />
      <PassphraseField
        id="privacy-repeat-passphrase"
        label="The passphrase again"
        value={repeat}
        onChange={setRepeat}
        autoComplete="new-password"
      />
    </ChangeForm>
  );
}

function EncryptedActions(props: { status: PrivacyStatus; actions: PrivacyActions }) {
  const [open, setOpen] = useState<'change' | 'off' | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const withPassphrase = props.status.encryption === 'passphrase';
  const close = () => {
    setOpen(null);
    setCurrent('');
    setNext('');
    setRepeat('');
  };
  const currentField = (
    <PassphraseField
      id="privacy-current-passphrase"
      label="Current passphrase"
      value={current}
      onChange={setCurrent}
      autoComplete="current-password"
    />
  );
  if (open === 'change') {
    return (
      <ChangeForm
        testId="privacy-change"
        notice={
          <>
            The data is encrypted again with the new passphrase, and the old one stops opening it at
            once. <strong>{KEY_LOST}</strong> {HOW_IT_RUNS}
          </>
        }
        button="Change the passphrase"
        problem={() =>
          current === '' ? 'Enter the current passphrase.' : newPassphraseProblem(next, repeat)
        }
        run={() => props.actions.changePassphrase(current, next).then(close)}
        onCancel={close}
      >
        {currentField}
        <PassphraseField
          id="privacy-new-passphrase"
          label="New passphrase"
          value={next}
          onChange={setNext}
          autoComplete="new-password"
        />
        <PassphraseField
          id="privacy-repeat-passphrase"
          label="The new passphrase again"
          value={repeat}
          onChange={setRepeat}
          autoComplete="new-password"
        />
      </ChangeForm>
    );
  }
  if (open === 'off') {
    return (
      <ChangeForm
        testId="privacy-decrypt"
        danger
        notice={
          <>
            <strong>Your chats will be stored unencrypted,</strong> readable by anyone who can read
            your files, and CodeFace no longer asks for a key at start.{' '}
            {withPassphrase
              ? 'The passphrase is forgotten.'
              : 'The key is removed from the keychain.'}{' '}
            {HOW_IT_RUNS}
          </>
        }
        button="Turn off encryption"
        problem={() => (withPassphrase && current === '' ? 'Enter the current passphrase.' : null)}
        run={() => props.actions.decryptData(withPassphrase ? current : undefined).then(close)}
        onCancel={close}
      >
        {withPassphrase && currentField}
      </ChangeForm>
    );
  }
  return (
    <div className="cf-row">
      {withPassphrase && (
        <button
          type="button"
          className="cf-button"
          data-testid="privacy-change-open"
          onClick={() => setOpen('change')}
        >
          Change passphrase…
        </button>
      )}
      <button
        type="button"
        className="cf-button"
        data-testid="privacy-decrypt-open"
        onClick={() => setOpen('off')}
      >
        Turn off encryption…
      </button>
    </div>
  );
}

/**
 * Settings → Privacy: whether the chats are encrypted on disk, and turning it on, off, or to
 * another passphrase while the app runs. The desktop app keeps a key in the OS keychain; the web
 * host (and a desktop without a keychain) uses a passphrase.
 */
export function PrivacySettings(props: { status: PrivacyStatus | null; actions: PrivacyActions }) {
  const { status } = props;
  if (!status) return <p className="cf-muted">Loading…</p>;
  return (
    <div className="cf-privacy-form" data-testid="privacy" data-encryption={status.encryption}>
      <p data-testid="privacy-state">
        {status.encryption === 'os-keychain' &&
          'Your chats are encrypted on disk with a key kept in this computer’s keychain.'}
        {status.encryption === 'passphrase' &&
          'Your chats are encrypted on disk with a passphrase. CodeFace asks for it when it starts.'}
        {status.encryption === 'none' &&
          'Your chats are stored unencrypted in the data folder, readable by anyone who can read your files.'}
      </p>
      {status.progress !== null ? (
        <div data-testid="privacy-progress">
          <ProgressBar
            value={Math.round(status.progress * 100)}
            max={100}
            label="Rewriting the data file"
          />
          <p className="cf-muted" aria-live="polite">
            Rewriting the data file… {Math.round(status.progress * 100)}%. Your chats are back when
            it is done.
          </p>
        </div>
      ) : status.encryption === 'none' ? (
        <EncryptForm keychain={status.keychain} actions={props.actions} />
      ) : (
        <EncryptedActions status={status} actions={props.actions} />
      )}
    </div>
  );
}
