import { useSyncExternalStore } from 'react';

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

/**
 * The text of message `messageId`: the live text while `live` follows it, else `saved`. A
 * component using it re-renders when that text changes, and not for another message's.
 */
export function useLiveText(
  live: LiveAnswer | undefined,
  messageId: string,
  saved: string,
): string {
  const text = useSyncExternalStore(live?.subscribe ?? subscribeToNothing, () => {
    const current = live?.current();
    return current?.messageId === messageId ? current.text : null;
  });
  return text ?? saved;
}

const subscribeToNothing = (): (() => void) => () => undefined;
