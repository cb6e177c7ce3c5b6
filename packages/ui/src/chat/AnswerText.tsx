import { useCallback, useRef } from 'react';
import { StreamingMarkdown } from '../markdown/StreamingMarkdown';
import { useLiveText, type LiveAnswer } from './liveAnswer';

type AnswerTextProps = {
  messageId: string;
  /** The message's saved text; `live` supplies it instead while it streams. */
  content: string;
  streaming: boolean;
  live?: LiveAnswer;
};

/**
 * A message's text as Markdown; while it streams, the live text, or a sign that it is coming.
 * Most frames of a stream lengthen the open last block in place, without a render (0456).
 */
export function AnswerText({ messageId, content, streaming, live }: AnswerTextProps) {
  const tail = useRef<HTMLElement | null>(null);
  const setTail = useCallback((element: HTMLElement | null) => {
    tail.current = element;
  }, []);
  const text = useLiveText({
    live: streaming ? live : undefined,
    messageId,
    saved: content,
    tail,
  });
  if (text === '' && streaming) {
    return <span className="cf-typing" aria-label="Waiting for the first token" />;
  }
  return <StreamingMarkdown key={messageId} text={text} streaming={streaming} tailRef={setTail} />;
}
