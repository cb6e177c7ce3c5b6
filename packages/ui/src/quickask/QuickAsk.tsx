import { useState, type Ref } from 'react';
import { StatsLine, statsOf } from '../chat/StatsLine';
import { AnswerText } from '../chat/AnswerText';
import type { LiveAnswer } from '../chat/liveAnswer';
import type { ChatMessage } from '../types';

type QuickAskProps = {
  /** The question the answer belongs to, shown above it. */
  question: string | null;
  answer: ChatMessage | null;
  streaming: boolean;
  /** The text of the answer while it streams. */
  live?: LiveAnswer;
  blockedReason: string | null;
  onAsk: (question: { text: string; withClipboard: boolean }) => void;
  onStop: () => void;
  /** Opens this conversation in the chat window. */
  onContinue: (() => void) | null;
  onDismiss: () => void;
  inputRef?: Ref<HTMLTextAreaElement>;
};

/**
 * The quick-ask popup: one question, optionally with the clipboard as context, and its answer
 * streaming below. Esc stops an answer, or hides the popup when nothing streams.
 */
export function QuickAsk(props: QuickAskProps) {
  const [text, setText] = useState('');
  const [withClipboard, setWithClipboard] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const ask = (): void => {
    if (props.streaming) return;
    if (props.blockedReason) return setProblem(props.blockedReason);
    if (text.trim() === '') return setProblem('Type a question first.');
    setProblem(null);
    props.onAsk({ text, withClipboard });
    setText('');
  };
  const stats = props.answer ? statsOf(props.answer) : null;
  return (
    <div
      className="cf-quick"
      data-testid="quick-ask"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        if (props.streaming) props.onStop();
        else props.onDismiss();
      }}
    >
      <form
        className="cf-quick-form"
        onSubmit={(event) => {
          event.preventDefault();
          ask();
        }}
      >
        <textarea
          ref={props.inputRef}
          className="cf-textarea cf-quick-input"
          aria-label="Quick question"
          data-testid="quick-ask-input"
          placeholder="Ask quickly… (Enter to send, Esc to close)"
          rows={2}
          autoFocus
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              ask();
            }
          }}
        />
        <div className="cf-row cf-row-between cf-wrap">
          <label className="cf-check">
            <input
              type="checkbox"
              checked={withClipboard}
              onChange={(event) => setWithClipboard(event.target.checked)}
            />
            Use the clipboard as context
          </label>
          <span className="cf-row">
            {props.onContinue && !props.streaming && (
              <button
                type="button"
                className="cf-button cf-button-small"
                onClick={props.onContinue}
              >
                Continue in chat
              </button>
            )}
            {props.streaming ? (
              <button type="button" className="cf-button cf-button-danger" onClick={props.onStop}>
                Stop
              </button>
            ) : (
              <button type="submit" className="cf-button cf-button-primary">
                Ask
              </button>
            )}
          </span>
        </div>
        {problem && (
          <div className="cf-field-problem" role="alert">
            {problem}
          </div>
        )}
      </form>
      {props.answer && (
        <div className="cf-quick-answer" data-testid="quick-ask-answer" aria-live="polite">
          {props.question && <p className="cf-quick-question">{props.question}</p>}
          <AnswerText
            messageId={props.answer.id}
            content={props.answer.content}
            streaming={props.streaming && props.answer.status === 'streaming'}
            live={props.live}
          />
          {stats && <StatsLine stats={stats} />}
        </div>
      )}
    </div>
  );
}

/** The message sent for a quick question, with the clipboard's text as a fenced block. */
export function quickQuestion(text: string, clipboard: string | null): string {
  if (!clipboard || clipboard.trim() === '') return text;
  const fence = clipboard.includes('```') ? '````' : '```';
  return `${text}\n\n${fence}\n${clipboard}\n${fence}`;
}
