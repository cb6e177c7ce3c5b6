export type Toast = {
  id: string;
  kind: 'info' | 'error';
  text: string;
  /** An action such as Undo; clicking it runs `run` and dismisses the toast. */
  action?: { label: string; run: () => void };
};

type ToastsProps = { toasts: readonly Toast[]; onDismiss: (id: string) => void };

export function Toasts({ toasts, onDismiss }: ToastsProps) {
  return (
    <div className="cf-toasts" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`cf-toast cf-toast-${toast.kind}`}
          role={toast.kind === 'error' ? 'alert' : 'status'}
          data-testid="toast"
        >
          <span className="cf-toast-text">{toast.text}</span>
          {toast.action && (
            <button
              type="button"
              className="cf-button cf-button-small"
              data-testid="toast-action"
              onClick={() => {
                toast.action?.run();
                onDismiss(toast.id);
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button
            type="button"
            className="cf-icon-button"
            aria-label="Dismiss"
            onClick={() => onDismiss(toast.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
