import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ErrorBoundary } from '../feedback/ErrorBoundary';
import type { BranchMessage } from '../types';
import type { LiveAnswer } from './liveAnswer';
import { MessageView, type MessageActions } from './MessageView';

type MessageListProps = {
  messages: readonly BranchMessage[];
  actions: MessageActions;
  busy: boolean;
  /** Scrolls to and highlights this message (a search hit). */
  focusMessageId?: string | null;
  /** The error of the last generation, shown under its message. */
  errors?: Readonly<Record<string, string>>;
  /** The text of the answer being written (it is not in `messages` while it streams). */
  live?: LiveAnswer;
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
  live,
}: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  // Whether the newest message is out of view, for the "latest" button; changes only when the
  // message crosses the edge of the view.
  const [newestHidden, setNewestHidden] = useState(false);
  // A revealed message (a search hit) is held in view instead of following the bottom, until the
  // person goes down to the newest message themselves.
  const [releasedFocusId, setReleasedFocusId] = useState<string | null>(null);
  const holding = focusMessageId !== null && focusMessageId !== releasedFocusId;
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 140,
    overscan: 6,
    getItemKey: (index) => messages[index]?.id ?? index,
  });

  const totalSize = virtualizer.getTotalSize();
  const last = messages[messages.length - 1];
  const lastId = last?.id;
  const streamingId = last?.status === 'streaming' ? last.id : null;

  /** Reads where the newest message is against the view, from the virtualizer's measurements. */
  const checkNewestInView = (): void => {
    const el = scroller.current;
    const newest = virtualizer.measurementsCache[messages.length - 1];
    const hidden =
      el !== null && newest !== undefined && newest.start >= el.scrollTop + el.clientHeight;
    if (hidden !== newestHidden) setNewestHidden(hidden);
  };

  // A new turn, or rows measured to a new total height, move the bottom: jump to it.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following.current && !holding) el.scrollTop = el.scrollHeight;
    checkNewestInView();
  }, [messages.length, totalSize, holding]);

  // A streaming answer grows its row a line at a time. The row's ResizeObserver runs after
  // layout, in the frame that laid the new line out, so the bottom is followed in that same
  // frame without reading layout on every frame of the answer (a forced layout each time).
  const holdingRef = useRef(holding);
  holdingRef.current = holding;
  const [lastRowObserver] = useState(() =>
    typeof ResizeObserver === 'undefined'
      ? null
      : new ResizeObserver(() => {
          const el = scroller.current;
          if (el && following.current && !holdingRef.current) el.scrollTop = el.scrollHeight;
        }),
  );
  useEffect(() => () => lastRowObserver?.disconnect(), [lastRowObserver]);
  // A new last message gives a new callback, so React hands every row to it again and the
  // observer moves to the new last row (also when the old last one was deleted).
  // The streaming answer is measured once, when it appears, and not followed as it grows: each
  // new line would otherwise re-render the list and lay it out again in the frame that paints
  // the line. Its growth overflows the canvas, which the scroller's height includes, so the
  // bottom is still followed; the answer's end gives a new callback, which measures it again.
  const rowRef = useCallback(
    (node: HTMLDivElement | null) => {
      if (node && node.dataset.messageRow === streamingId) {
        virtualizer.resizeItem(
          virtualizer.indexFromElement(node),
          virtualizer.options.measureElement(node, undefined, virtualizer),
        );
      } else {
        virtualizer.measureElement(node);
      }
      if (node && node.dataset.messageRow === lastId) {
        lastRowObserver?.disconnect();
        lastRowObserver?.observe(node);
      }
    },
    [virtualizer, lastRowObserver, lastId, streamingId],
  );

  useEffect(() => {
    if (!focusMessageId || !holding) return;
    const index = messages.findIndex((message) => message.id === focusMessageId);
    if (index !== -1) {
      // The hit is what the person asked to see: stay there as rows are measured. Whether the
      // newest message is then out of view is read when the list scrolls (a chat that fits
      // does not scroll, and needs no way down).
      following.current = false;
      virtualizer.scrollToIndex(index, { align: 'center' });
    }
  }, [focusMessageId, holding, messages, virtualizer]);

  const onScroll = (): void => {
    const el = scroller.current;
    if (!el) return;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (following.current && holding) setReleasedFocusId(focusMessageId);
    checkNewestInView();
  };

  const jumpToLatest = (): void => {
    const el = scroller.current;
    if (!el) return;
    following.current = true;
    setReleasedFocusId(focusMessageId);
    setNewestHidden(false);
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
                data-message-row={message.id}
                ref={rowRef}
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
                    live={live}
                  />
                </ErrorBoundary>
              </div>
            );
          })}
        </div>
      </div>
      {newestHidden && (
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
