import { useCallback, useLayoutEffect, useRef, useSyncExternalStore, type RefObject } from 'react';
import { advanceBlocks, EMPTY_SPLIT, type BlockSplit } from '../markdown/blocks';
import { plainBlock, type PlainBlock } from '../markdown/unparsedBlocks';

/** The answer being written: which message, and its text so far. */
export type LiveAnswerSnapshot = { messageId: string | null; text: string };

/**
 * The text of a streaming answer, kept apart from the message list (0455). Only the component that
 * shows the answer subscribes to it, so a frame of new tokens re-renders that one component, not
 * the chat, the list and every row around it.
 */
export type LiveAnswer = {
  subscribe: (onChange: () => void) => () => void;
  /** The same object until the text or the message changes. */
  current: () => LiveAnswerSnapshot;
};

export type LiveAnswerWriter = LiveAnswer & {
  /** Starts following a new answer with the text it already has. */
  start: (messageId: string, text: string) => void;
  append: (text: string) => void;
  /** Stops following: the answer's text now lives in its message. */
  end: () => void;
};

const IDLE: LiveAnswerSnapshot = { messageId: null, text: '' };

export function createLiveAnswer(): LiveAnswerWriter {
  let snapshot = IDLE;
  const listeners = new Set<() => void>();
  const publish = (next: LiveAnswerSnapshot): void => {
    snapshot = next;
    for (const listener of listeners) listener();
  };
  return {
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    current: () => snapshot,
    start: (messageId, text) => publish({ messageId, text }),
    append(text) {
      if (snapshot.messageId === null || text === '') return;
      publish({ messageId: snapshot.messageId, text: snapshot.text + text });
    },
    end() {
      if (snapshot !== IDLE) publish(IDLE);
    },
  };
}

/** What React last put on screen for a message, and its open last block if that is plain. */
type Rendered = { text: string; split: BlockSplit; tail: PlainBlock | null };

function describeRendered(previous: Rendered | null, text: string): Rendered {
  // Live text only grows, so the split continues from the last one (it restarts if shorter).
  const split = advanceBlocks(previous?.split ?? EMPTY_SPLIT, text);
  return { text, split, tail: plainBlock(text.slice(split.tailStart)) };
}

/** Sets an element's only text, appending when it only grows (the browser reuses its layout). */
function writeText(element: HTMLElement, value: string): void {
  const node = element.firstChild;
  if (node !== null && node === element.lastChild && node.nodeType === Node.TEXT_NODE) {
    const text = node as Text;
    if (value.startsWith(text.data)) text.appendData(value.slice(text.length));
    else text.data = value;
  } else {
    element.textContent = value;
  }
}

/**
 * Shows `next` by lengthening the open last block in place, when that is all that changed since
 * React rendered: no block completed, and the block is still plain prose or an open code block
 * in the same language. Returns false when a render is needed instead.
 */
function lengthenInPlace(
  rendered: { current: Rendered | null },
  element: HTMLElement | null | undefined,
  next: string,
): boolean {
  const last = rendered.current;
  if (last === null || last.tail === null || !element || next.length < last.text.length) {
    return false;
  }
  const split = advanceBlocks(last.split, next);
  if (split.completed.length !== last.split.completed.length) return false;
  // A block keeps its kind as it grows: prose never starts with a fence, and a fence stays one.
  const tail = plainBlock(next.slice(split.tailStart));
  if (tail === null) return false;
  if (tail.kind === 'open-code') {
    // The opening line may still be arriving: a longer language name is a new header.
    if (last.tail.kind !== 'open-code' || tail.language !== last.tail.language) return false;
    writeText(element, tail.code);
  } else {
    writeText(element, tail.text);
  }
  // The next scan starts from here; what React rendered stays the reference for the block.
  rendered.current = { ...last, split };
  return true;
}

/**
 * The text of message `messageId`: the live text while `live` follows it, else `saved`. A
 * component using it re-renders when that text changes, and not for another message's.
 *
 * With `tail`, the element that StreamingMarkdown gives the text of its open last block, most
 * updates render nothing: new text that only lengthens that block, while it stays plain prose or
 * an open code block, is written into the element (0456). A new block, or Markdown syntax in the
 * open one, renders as before.
 */
export function useLiveText({
  live,
  messageId,
  saved,
  tail,
}: {
  live: LiveAnswer | undefined;
  messageId: string;
  saved: string;
  tail?: RefObject<HTMLElement | null>;
}): string {
  const rendered = useRef<Rendered | null>(null);
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (live === undefined) return () => undefined;
      return live.subscribe(() => {
        const current = live.current();
        if (current.messageId !== messageId) onChange();
        else if (!lengthenInPlace(rendered, tail?.current, current.text)) onChange();
      });
    },
    [live, messageId, tail],
  );
  const text = useSyncExternalStore(subscribe, () => {
    const current = live?.current();
    return current?.messageId === messageId ? current.text : null;
  });
  const shown = text ?? saved;
  // Only a followed answer is lengthened in place; a saved one is not scanned again here.
  const following = live !== undefined && tail !== undefined;
  useLayoutEffect(() => {
    rendered.current = following ? describeRendered(rendered.current, shown) : null;
  });
  return shown;
}
