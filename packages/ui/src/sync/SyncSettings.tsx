import { useState, type FormEvent } from 'react';
import { Field, TextField } from '../forms/Field';
import { Segmented } from '../forms/Segmented';
import { FormStatus } from '../forms/FormStatus';
import { ProgressBar } from '../feedback/ProgressBar';
import type { SyncDevice, SyncView } from '../types';
import { RecoveryKey } from './RecoveryKey';
import { firstSyncProgress, syncSummary, timeAgo } from './syncText';

type Credentials = { url: string; email: string };

export type SyncActions = {
  /** Resolves with the server's protocol version; rejects with a sentence. */
  testConnection: (url: string) => Promise<{ protocolVersion: number }>;
  signUp: (input: Credentials & { password: string }) => Promise<void>;
  signIn: (
    input:
      | (Credentials & { password: string })
      | (Credentials & { recoveryKey: string; newPassword: string }),
  ) => Promise<void>;
  setDeviceName: (name: string) => Promise<void>;
  revokeDevice: (deviceId: string) => Promise<void>;
  changePassword: (input: { currentPassword: string; newPassword: string }) => Promise<void>;
  signOut: () => Promise<void>;
  deleteAccount: (input: { password: string }) => Promise<void>;
  confirmRecoveryKeySaved: () => Promise<void>;
  copyText: (text: string) => Promise<void>;
  printRecoveryKey: () => void;
  syncNow: () => void;
};

type SyncSettingsProps = {
  /** Null while it loads. */
  view: SyncView | null;
  /** The account's devices; null while they load or when signed out. */
  devices: readonly SyncDevice[] | null;
  /** The recovery key made at sign-up, until the person saved it. */
  recoveryKey: readonly string[] | null;
  now: number;
  actions: SyncActions;
};

const errorText = (error: unknown): string =>
  error instanceof Error && error.message ? error.message : 'That did not work. Try again.';

/** Runs an action, keeping its sentence for the form when it fails. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const run = (action: () => Promise<unknown>, onDone?: () => void) => {
    setBusy(true);
    setProblem(null);
    action().then(
      () => {
        setBusy(false);
        onDone?.();
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(errorText(error));
      },
    );
  };
  return { busy, problem, run };
}

function Problem({ text, testId }: { text: string | null; testId: string }) {
  return text === null ? null : (
    <p className="cf-text-danger" role="alert" data-testid={testId}>
      {text}
    </p>
  );
}

type Mode = 'sign-in' | 'sign-up' | 'recovery';

function SignedOut({ view, actions }: { view: SyncView; actions: SyncActions }) {
  const [mode, setMode] = useState<Mode>(view.email === null ? 'sign-up' : 'sign-in');
  const [url, setUrl] = useState(view.serverUrl ?? '');
  const [email, setEmail] = useState(view.email ?? '');
  const [secret, setSecret] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [deviceName, setDeviceName] = useState(view.deviceName);
  const [tested, setTested] = useState<string | null>(null);
  const test = useAction();
  const submit = useAction();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.run(async () => {
      if (deviceName.trim() !== view.deviceName) await actions.setDeviceName(deviceName);
      if (mode === 'sign-up') await actions.signUp({ url, email, password: secret });
      else if (mode === 'sign-in') await actions.signIn({ url, email, password: secret });
      else await actions.signIn({ url, email, recoveryKey: secret, newPassword });
    });
  };
  const modes: { value: Mode; label: string }[] = [
    { value: 'sign-up', label: 'Create account' },
    { value: 'sign-in', label: 'Sign in' },
    { value: 'recovery', label: 'Use recovery key' },
  ];
  return (
    <form className="cf-form" data-testid="sync-sign-in" noValidate onSubmit={onSubmit}>
      <p className="cf-muted">
        Sync keeps your chats, presets and settings the same on all your devices, through a sync
        server you run or trust. Everything is encrypted on this device with a key made from your
        password: the server sees only ciphertext.
      </p>
      <Field id="cf-sync-url" label="Sync server">
        <div className="cf-row">
          <input
            id="cf-sync-url"
            className="cf-input cf-input-wide"
            data-testid="sync-url"
            placeholder="https://sync.example.com"
            value={url}
            onChange={(event) => {
              setTested(null);
              setUrl(event.target.value);
            }}
          />
          <button
            type="button"
            className="cf-button"
            data-testid="sync-test"
            disabled={test.busy || url.trim() === ''}
            onClick={() =>
              test.run(async () => {
                const info = await actions.testConnection(url);
                setTested(`Connected: a CodeFace sync server (protocol ${info.protocolVersion}).`);
              })
            }
          >
            {test.busy ? 'Testing…' : 'Test connection'}
          </button>
        </div>
      </Field>
      {tested && (
        <p className="cf-text-success" role="status" data-testid="sync-test-result">
          {tested}
        </p>
      )}
      <Problem text={test.problem} testId="sync-test-problem" />
      <Segmented
        label="Account"
        options={modes}
        value={mode}
        onChange={(value) => {
          setMode(value);
          setSecret('');
        }}
        testIdPrefix="sync-mode-"
      />
      <TextField
        id="cf-sync-email"
        label="Email"
        wide
        type="email"
        autoComplete="username"
        data-testid="sync-email"
        value={email}
        onValueChange={setEmail}
      />
      {mode === 'recovery' ? (
        <TextField
          id="cf-sync-secret"
          label="Recovery key"
          hint="The key you saved when you made the account; the dashes and spaces do not matter."
          wide
          className="cf-mono"
          autoComplete="off"
          spellCheck={false}
          data-testid="sync-recovery-key"
          value={secret}
          onValueChange={setSecret}
        />
      ) : null}
      {mode === 'recovery' ? (
        <TextField
          id="cf-sync-new-password"
          label="New password"
          hint="At least 10 characters. It replaces the old one: your other devices are signed out and sign in again with it."
          wide
          type="password"
          autoComplete="new-password"
          data-testid="sync-new-password"
          value={newPassword}
          onValueChange={setNewPassword}
        />
      ) : (
        <TextField
          id="cf-sync-secret"
          label="Password"
          hint={
            mode === 'sign-up'
              ? 'At least 10 characters. It never leaves this device: forget it and only your recovery key opens your synced chats.'
              : undefined
          }
          wide
          type="password"
          autoComplete={mode === 'sign-up' ? 'new-password' : 'current-password'}
          data-testid="sync-password"
          value={secret}
          onValueChange={setSecret}
        />
      )}
      <TextField
        id="cf-sync-device"
        label="This device’s name"
        hint="How it appears in the list of your devices."
        wide
        data-testid="sync-device-name"
        value={deviceName}
        onValueChange={setDeviceName}
      />
      <div className="cf-row">
        <button
          type="submit"
          className="cf-button cf-button-primary"
          data-testid="sync-submit"
          disabled={submit.busy}
        >
          {submit.busy
            ? 'Working…'
            : mode === 'sign-up'
              ? 'Create account and sync'
              : 'Sign in and sync'}
        </button>
      </div>
      <Problem text={submit.problem} testId="sync-problem" />
      <p className="cf-muted cf-hint">
        {view.secrets === 'os-keychain'
          ? 'This device’s sync key and session are kept encrypted with the system keychain.'
          : 'This device’s sync key and session are kept in secrets.json in the data folder, readable only by your user.'}
      </p>
    </form>
  );
}

function Devices(props: {
  devices: readonly SyncDevice[] | null;
  now: number;
  revoke: SyncActions['revokeDevice'];
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const action = useAction();
  if (props.devices === null) return <p className="cf-muted">Loading your devices…</p>;
  return (
    <>
      <ul className="cf-list cf-sync-devices" aria-label="Your devices">
        {props.devices.map((device) => (
          <li key={device.id} className="cf-sync-device" data-testid="sync-device">
            <div className="cf-sync-device-name">
              <strong>{device.name}</strong>
              {device.current && <span className="cf-tag">this device</span>}
              <div className="cf-muted">
                {device.current ? 'Now' : `Last seen ${timeAgo(device.lastSeenAt, props.now)}`}
              </div>
            </div>
            {!device.current &&
              (confirming === device.id ? (
                <div className="cf-row">
                  <button
                    type="button"
                    className="cf-button cf-button-danger cf-button-small"
                    data-testid="sync-revoke-confirm"
                    disabled={action.busy}
                    onClick={() =>
                      action.run(
                        () => props.revoke(device.id),
                        () => setConfirming(null),
                      )
                    }
                  >
                    Sign out {device.name}
                  </button>
                  <button
                    type="button"
                    className="cf-button cf-button-small"
                    onClick={() => setConfirming(null)}
                  >
                    Cancel
                  </button>
                </div>
              ) : (
                <button
                  type="button"
                  className="cf-button cf-button-small"
                  data-testid="sync-revoke"
                  onClick={() => setConfirming(device.id)}
                >
                  Revoke
                </button>
              ))}
          </li>
        ))}
      </ul>
      <Problem text={action.problem} testId="sync-revoke-problem" />
    </>
  );
}

function ChangePassword({ change }: { change: SyncActions['changePassword'] }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  return (
    <form
      className="cf-form"
      data-testid="sync-change-password"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setDone(false);
        action.run(
          () => change({ currentPassword: current, newPassword: next }),
          () => {
            setCurrent('');
            setNext('');
            setDone(true);
          },
        );
      }}
    >
      <h3>Change password</h3>
      <TextField
        id="cf-sync-current"
        label="Current password"
        wide
        type="password"
        autoComplete="current-password"
        value={current}
        onValueChange={setCurrent}
      />
      <TextField
        id="cf-sync-new"
        label="New password"
        hint="Your other devices are signed out and sign in again with the new one."
        wide
        type="password"
        autoComplete="new-password"
        value={next}
        onValueChange={setNext}
      />
      <div className="cf-row">
        <button type="submit" className="cf-button" disabled={action.busy}>
          Change password
        </button>
        <FormStatus text={done ? 'Password changed.' : null} />
      </div>
      <Problem text={action.problem} testId="sync-password-problem" />
    </form>
  );
}

function DeleteAccount({ remove }: { remove: SyncActions['deleteAccount'] }) {
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const action = useAction();
  return (
    <form
      className="cf-form"
      data-testid="sync-delete-account"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        action.run(() => remove({ password }));
      }}
    >
      <h3>Delete account</h3>
      <p className="cf-muted">
        Deletes the account and everything the server keeps for it, and signs out every device. The
        chats on your devices stay on them.
      </p>
      <TextField
        id="cf-sync-delete-password"
        label="Password"
        wide
        type="password"
        autoComplete="current-password"
        value={password}
        onValueChange={setPassword}
      />
      <label className="cf-check">
        <input
          type="checkbox"
          checked={understood}
          onChange={(event) => setUnderstood(event.target.checked)}
        />
        I understand the server’s copy cannot be recovered
      </label>
      <div className="cf-row">
        <button
          type="submit"
          className="cf-button cf-button-danger"
          disabled={!understood || action.busy}
        >
          Delete account
        </button>
      </div>
      <Problem text={action.problem} testId="sync-delete-problem" />
    </form>
  );
}

function SignedIn(props: SyncSettingsProps & { view: SyncView }) {
  const { view, actions } = props;
  const signOut = useAction();
  const progress = firstSyncProgress(view.status);
  return (
    <div className="cf-form" data-testid="sync-signed-in">
      <p data-testid="sync-state" data-state={view.status.state}>
        <strong>{syncSummary(view)}</strong> · {view.email} on{' '}
        <span className="cf-inline-code">{view.serverUrl}</span>
      </p>
      {progress && (
        <div className="cf-indexing">
          <ProgressBar
            value={progress.received}
            max={progress.total}
            label="Receiving your chats"
          />
          <span className="cf-muted">
            Receiving your chats: {progress.received.toLocaleString('en')} of{' '}
            {progress.total.toLocaleString('en')} changes. They appear as they arrive.
          </span>
        </div>
      )}
      <Problem text={view.status.error?.message ?? null} testId="sync-status-error" />
      <div className="cf-row">
        <button type="button" className="cf-button" onClick={actions.syncNow}>
          Sync now
        </button>
        <button
          type="button"
          className="cf-button"
          data-testid="sync-sign-out"
          disabled={signOut.busy}
          onClick={() => signOut.run(actions.signOut)}
        >
          Sign out
        </button>
      </div>
      <Problem text={signOut.problem} testId="sync-sign-out-problem" />
      <h3>Your devices</h3>
      <Devices devices={props.devices} now={props.now} revoke={actions.revokeDevice} />
      <ChangePassword change={actions.changePassword} />
      <DeleteAccount remove={actions.deleteAccount} />
    </div>
  );
}

/** Settings → Sync: the account, this device, the other devices, and the recovery key. */
export function SyncSettings(props: SyncSettingsProps) {
  const { view, actions } = props;
  if (view === null) return <p className="cf-muted">Loading…</p>;
  if (view.recoveryKeyPending && props.recoveryKey !== null) {
    return (
      <RecoveryKey
        groups={props.recoveryKey}
        onCopy={actions.copyText}
        onPrint={actions.printRecoveryKey}
        onSaved={() => void actions.confirmRecoveryKeySaved()}
      />
    );
  }
  if (!view.signedIn) {
    return (
      <>
        {view.status.state === 'signed-out' && view.status.error && (
          <p className="cf-callout" role="alert" data-testid="sync-signed-out">
            {view.status.error.message}
          </p>
        )}
        {view.signOutsWaiting.length > 0 && (
          <p className="cf-callout" data-testid="sync-sign-outs-waiting">
            {signOutsWaitingText(view.signOutsWaiting)}
          </p>
        )}
        <SignedOut view={view} actions={actions} />
      </>
    );
  }
  return <SignedIn {...props} view={view} />;
}

function signOutsWaitingText(hosts: readonly string[]): string {
  return `This device signed out while ${hosts.join(' and ')} could not be reached, so it is still listed in that account. CodeFace tells the server every minute until it answers.`;
}
