import { useState } from 'react';
import { FormStatus } from '../forms/FormStatus';

type RecoveryKeyProps = {
  groups: readonly string[];
  onCopy: (text: string) => Promise<void>;
  onPrint: () => void;
  /** The person confirmed they keep the key somewhere safe. */
  onSaved: () => void;
};

/**
 * The recovery key, shown once after the account is made or the old one was used: in groups that are easy to copy by
 * hand, with copy and print, and a confirmation before it goes away.
 */
export function RecoveryKey({ groups, onCopy, onPrint, onSaved }: RecoveryKeyProps) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const text = groups.join('-');
  return (
    <div className="cf-recovery" data-testid="recovery-key-screen">
      <h3>Your recovery key</h3>
      <p>
        If you forget your password, this key is the only way back into your synced chats: not even
        the server’s operator can open them without one of the two. It is shown only now. A key used
        to sign in is replaced by a new one, shown like this, and stops working.
      </p>
      <p className="cf-recovery-key" data-testid="recovery-key" aria-label="Recovery key">
        {groups.map((group, index) => (
          <span key={index} className="cf-recovery-group">
            {group}
          </span>
        ))}
      </p>
      <div className="cf-row">
        <button
          type="button"
          className="cf-button"
          data-testid="recovery-key-copy"
          onClick={() =>
            onCopy(text).then(
              () => setCopied('Copied.'),
              () => setCopied('Could not copy: select the key and copy it by hand.'),
            )
          }
        >
          Copy
        </button>
        <button
          type="button"
          className="cf-button"
          data-testid="recovery-key-print"
          onClick={onPrint}
        >
          Print
        </button>
        <FormStatus text={copied} />
      </div>
      <label className="cf-check">
        <input
          type="checkbox"
          data-testid="recovery-key-saved"
          checked={saved}
          onChange={(event) => setSaved(event.target.checked)}
        />
        I saved my recovery key somewhere safe, away from this device
      </label>
      <div className="cf-row">
        <button
          type="button"
          className="cf-button cf-button-primary"
          data-testid="recovery-key-done"
          disabled={!saved}
          onClick={onSaved}
        >
          Continue
        </button>
      </div>
    </div>
  );
}
