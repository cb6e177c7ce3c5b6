import { useEffect, useState, type KeyboardEvent } from 'react';

/**
 * A keydown handler that closes a panel on Escape. The event is marked handled, so the window's
 * own Escape (stop the answer) leaves it alone.
 */
export function closeOnEscape(close: () => void) {
  return (event: KeyboardEvent<HTMLElement>): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    close();
  };
}

/**
 * Gives focus back, when the panel closes, to what had it when the panel opened (usually the
 * button that opened it). The opener is read during the first render, before any `autoFocus`
 * inside the panel takes focus; focus the person has moved elsewhere meanwhile is left alone.
 */
export function useReturnFocus(): void {
  const [opener] = useState(() =>
    typeof document !== 'undefined' && document.activeElement instanceof HTMLElement
      ? document.activeElement
      : null,
  );
  useEffect(
    () => () => {
      // The panel is gone by now: focus inside it fell back to the body.
      const focused = document.activeElement;
      if (opener?.isConnected && (focused === null || focused === document.body)) opener.focus();
    },
    [opener],
  );
}
