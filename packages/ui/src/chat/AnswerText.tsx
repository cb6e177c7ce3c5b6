import { StreamingMarkdown } from '../markdown/StreamingMarkdown';
import { useLiveText, type LiveAnswer } from './liveAnswer';

type AnswerTextProps = {
  messageId: string;
  /** The message's saved text; `live` supplies it instead while it streams. */
  content: string;
  streaming: boolean;
  live?: LiveAnswer;
};

/** A message's text as Markdown; while it streams, the live text, or a sign that it is coming. */
export function AnswerText({ messageId, content, streaming, live }: AnswerTextProps) {
  const text = useLiveText(streaming ? live : undefined, messageId, content);
  if (text === '' && streaming) {
    return <span className="cf-typing" aria-label="Waiting for the first token" />;
  }
  return <StreamingMarkdown key={messageId} text={text} streaming={streaming} />;
}
