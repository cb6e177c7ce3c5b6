import { useCallback, useState } from 'react';
import type { HotkeyStatus } from '../types';
import { hotkeyLabel, recordKeyPress, type Recording } from './hotkey';

export type HotkeyActions = {
  /** Resolves once the hotkey is registered and saved; rejects with the sentence that says why not. */
  save: (accelerator: string) => Promise<void>;
};

const errorText = (error: unknown): string =>
  error instanceof Error && error.message ? error.message : 'Could not set the hotkey.';

/** The hotkey's state in words: working, or why not and what to use instead. */
function HotkeyState({ status, mac }: { status: HotkeyStatus | null; mac: boolean }) {
  if (status === null) return null;
  switch (status.state) {
    case 'registered':
      return (
        <p className="cf-muted" data-testid="hotkey-status" data-state="registered">
          {hotkeyLabel(status.accelerator, mac)} works in every app.
        </p>
      );
    case 'failed':
      return (
        <p className="cf-callout" role="alert" data-testid="hotkey-status" data-state="failed">
          {status.message}
        </p>
      );
    case 'unsupported':
      return (
        <p className="cf-muted" data-testid="hotkey-status" data-state="unsupported">
          {status.message}
        </p>
      );
    default:
      return status satisfies never;
  }
}

/**
 * Settings → Quick ask: the global hotkey, with a recorder that takes the next key combination
 * pressed. The app checks and registers it before saving, and says in words when it cannot.
 */
export function HotkeySettings(props: {
  accelerator: string;
  status: HotkeyStatus | null;
  /** Names keys as macOS does (Cmd, Option). */
  mac: boolean;
  actions: HotkeyActions;
}) {
  const [recording, setRecording] = useState<Recording | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const candidate = recording?.accelerator ?? null;
  // The recorder takes the keyboard as it opens, so the next keys pressed are the hotkey.
  const focusOnOpen = useCallback((element: HTMLElement | null) => element?.focus(), []);

  const save = (): void => {
    if (candidate === null) return;
    setBusy(true);
    props.actions.save(candidate).then(
      () => {
        setRecording(null);
        setProblem(null);
        setBusy(false);
      },
      (error: unknown) => {
        setProblem(errorText(error));
        setBusy(false);
      },
    );
  };

  return (
    <div className="cf-hotkey" data-testid="hotkey-settings">
      <p>
        Quick ask opens with{' '}
        <kbd data-testid="hotkey-current">{hotkeyLabel(props.accelerator, props.mac)}</kbd>.
      </p>
      <HotkeyState status={props.status} mac={props.mac} />
      {recording === null ? (
        <button
          type="button"
          className="cf-button"
          data-testid="hotkey-change"
          onClick={() => {
            setProblem(null);
            setRecording({ accelerator: null, label: '' });
          }}
        >
          Change hotkey…
        </button>
      ) : (
        <div className="cf-row cf-wrap">
          <div
            className="cf-hotkey-recorder"
            role="textbox"
            aria-label="New hotkey: press the keys"
            aria-invalid={problem !== null}
            aria-describedby={problem ? 'cf-hotkey-problem' : undefined}
            tabIndex={0}
            data-testid="hotkey-recorder"
            ref={focusOnOpen}
            onKeyDown={(event) => {
              // Esc alone cancels; Tab alone leaves the field, as everywhere else.
              const bare = !event.ctrlKey && !event.altKey && !event.metaKey && !event.shiftKey;
              if (bare && event.key === 'Tab') return;
              event.preventDefault();
              if (bare && event.key === 'Escape') {
                setRecording(null);
                setProblem(null);
                return;
              }
              setProblem(null);
              setRecording(recordKeyPress(event, props.mac));
            }}
          >
            {recording.label || 'Press the new keys…'}
          </div>
          <button
            type="button"
            className="cf-button cf-button-primary"
            data-testid="hotkey-save"
            disabled={candidate === null || busy}
            onClick={save}
          >
            Save
          </button>
          <button
            type="button"
            className="cf-button"
            onClick={() => {
              setRecording(null);
              setProblem(null);
            }}
          >
            Cancel
          </button>
        </div>
      )}
      {problem && (
        <div className="cf-field-problem" id="cf-hotkey-problem" role="alert">
          {problem}
        </div>
      )}
    </div>
  );
}
