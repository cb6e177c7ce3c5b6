import { useEffect, useRef, type ReactNode } from 'react';
import { closeOnEscape, useReturnFocus } from './panelKeys';

type DialogProps = {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  className?: string;
};

/** A modal: Esc and a click outside close it, focus returns where it came from. */
export function Dialog({ title, onClose, children, testId, className }: DialogProps) {
  const panel = useRef<HTMLDivElement>(null);
  useReturnFocus();
  useEffect(() => {
    if (!panel.current?.contains(document.activeElement)) panel.current?.focus();
  }, []);
  return (
    <div
      className="cf-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={panel}
        className={className ? `cf-dialog ${className}` : 'cf-dialog'}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={closeOnEscape(onClose)}
      >
        {children}
      </div>
    </div>
  );
}
