import { Dialog } from '../layout/Dialog';
import { COMPOSER_KEYS, displayKeys, SHORTCUTS } from './shortcuts';

export function ShortcutsSheet({ isMac, onClose }: { isMac: boolean; onClose: () => void }) {
  const rows = [
    ...SHORTCUTS.map((s) => ({ keys: s.keys, description: s.description })),
    ...COMPOSER_KEYS,
  ];
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-sheet">
      <h2 className="cf-dialog-title">Keyboard shortcuts</h2>
      <dl className="cf-shortcuts">
        {rows.map((row) => (
          <div key={row.keys} className="cf-shortcut">
            <dt>
              <kbd>{displayKeys(row.keys, isMac)}</kbd>
            </dt>
            <dd>{row.description}</dd>
          </div>
        ))}
      </dl>
      <div className="cf-row cf-row-end">
        <button type="button" className="cf-button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
