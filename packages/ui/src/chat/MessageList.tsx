import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ErrorBoundary } from '../feedback/ErrorBoundary';
import type { BranchMessage } from '../types';
import { MessageView, type MessageActions } from './MessageView';

type MessageListProps = {
  messages: readonly BranchMessage[];
  actions: MessageActions;
  busy: boolean;
  /** Scrolls to and highlights this message (a search hit). */
  focusMessageId?: string | null;
  /** The error of the last generation, shown under its message. */
  errors?: Readonly<Record<string, string>>;
};

const NEAR_BOTTOM_PX = 80;

/**
 * Only the messages in view (plus a few) are in the DOM, so a 10,000-message chat scrolls like a
 * short one. While the user is at the bottom it follows a streaming answer; scrolling up stops
 * following until they come back down.
 */
export function MessageList({
  messages,
  actions,
  busy,
  focusMessageId = null,
  errors = {},
}: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  // Mirrors `following` for rendering the "latest" button; changes only when crossing the edge.
  const [awayFromBottom, setAwayFromBottom] = useState(false);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 140,
    overscan: 6,
    getItemKey: (index) => messages[index]?.id ?? index,
  });

  const lastLength = messages[messages.length - 1]?.content.length ?? 0;
  const totalSize = virtualizer.getTotalSize();

  // Following the bottom is one scrollTop write per paint: cheap enough to run on every frame
  // of a streaming answer, and re-run when measured rows change the total height.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following.current && !focusMessageId) el.scrollTop = el.scrollHeight;
  }, [messages.length, lastLength, totalSize, focusMessageId]);

  useEffect(() => {
    if (!focusMessageId) return;
    const index = messages.findIndex((message) => message.id === focusMessageId);
    if (index !== -1) {
      following.current = false;
      setAwayFromBottom(true);
      virtualizer.scrollToIndex(index, { align: 'center' });
    }
  }, [focusMessageId, messages, virtualizer]);

  const onScroll = (): void => {
    const el = scroller.current;
    if (!el) return;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (awayFromBottom === following.current) setAwayFromBottom(!following.current);
  };

  const jumpToLatest = (): void => {
    const el = scroller.current;
    if (!el) return;
    following.current = true;
    setAwayFromBottom(false);
    el.scrollTop = el.scrollHeight;
  };

  return (
    <div className="cf-message-pane">
      <div
        ref={scroller}
        className="cf-message-scroller"
        data-testid="message-list"
        role="log"
        aria-label="Messages"
        onScroll={onScroll}
      >
        <div className="cf-message-canvas" style={{ height: totalSize }}>
          {virtualizer.getVirtualItems().map((item) => {
            const message = messages[item.index];
            if (!message) return null;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="cf-message-row"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <ErrorBoundary label="This message could not be shown">
                  <MessageView
                    message={message}
                    branchIndex={message.siblingIndex}
                    branchCount={message.siblingIds.length}
                    actions={actions}
                    busy={busy}
                    error={errors[message.id] ?? null}
                    highlighted={message.id === focusMessageId}
                  />
                </ErrorBoundary>
              </div>
            );
          })}
        </div>
      </div>
      {awayFromBottom && messages.length > 0 && (
        <button
          type="button"
          className="cf-button cf-jump-latest"
          data-testid="jump-to-latest"
          onClick={jumpToLatest}
        >
          ↓ Latest
        </button>
      )}
    </div>
  );
}
