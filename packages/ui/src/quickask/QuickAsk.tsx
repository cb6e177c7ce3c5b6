import { lazy, Suspense, useEffect, useState, type Ref } from 'react';
import { formatStats, statsOf } from '../chat/StatsLine';
import type { LiveAnswer } from '../chat/liveAnswer';
import type { ChatMessage, Preset } from '../types';
import { ContextChip, type QuickContext } from './ContextChip';
import { firstCodeBlock } from './firstCodeBlock';

/** What the popup offers when no model is loaded: the last one used, if any. */
export type NoModel = {
  /** The name of the model loaded last time; null when there is none to offer. */
  lastModelName: string | null;
  loading: boolean;
  onLoad: () => void;
};

type QuickAskProps = {
  /** The question the answer belongs to, shown above it. */
  question: string | null;
  answer: ChatMessage | null;
  streaming: boolean;
  /** The text of the answer while it streams. */
  live?: LiveAnswer;
  /** What goes with the question (the clipboard, the selection), each removable. */
  context: readonly QuickContext[];
  onRemoveContext: (kind: QuickContext['kind']) => void;
  /** The preset buttons (Explain, Fix, Write tests): one may be on. */
  presets: readonly Preset[];
  preset: string | null;
  onPresetChange: (preset: string | null) => void;
  /** The loaded model's name, shown small with the answer's speed. */
  modelName: string | null;
  /** Set when no model is loaded: the popup says so instead of asking. */
  noModel: NoModel | null;
  onAsk: (text: string) => void;
  /** The text after each edit, so the host can evaluate the draft before it is sent. */
  onDraftChange: (text: string) => void;
  onStop: () => void;
  /** Opens this conversation in the chat window. */
  onContinue: (() => void) | null;
  /** Ctrl+Enter: the answer's first code block, to copy before the popup hides. */
  onCopyCode: (code: string) => void;
  /** Esc: hides the popup; an answer keeps streaming. */
  onDismiss: () => void;
  inputRef?: Ref<HTMLTextAreaElement>;
};

/**
 * The answer's Markdown (react-markdown, GFM, highlighting) is most of the popup's script and none
 * of its input: it loads once the popup is on screen, so the popup paints and takes typing without
 * parsing it first (0518). An answer comes seconds later, when it has long arrived.
 */
const loadAnswerText = () => import('../chat/AnswerText');
const AnswerText = lazy(() => loadAnswerText().then((module) => ({ default: module.AnswerText })));

/** The input grows with its text up to this many lines, then scrolls. */
const MAX_INPUT_ROWS = 8;

/**
 * The quick-ask popup: one question with what it takes along as chips, preset buttons, and the
 * answer streaming below. Esc hides the popup and leaves the answer streaming (it is a chat, and
 * "Continue in chat" shows it); Ctrl+Enter copies the answer's first code block and hides.
 */
export function QuickAsk(props: QuickAskProps) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void loadAnswerText();
  }, []);
  const ask = (): void => {
    if (props.streaming) return;
    if (props.noModel) return setProblem('Load a model first.');
    if (text.trim() === '') return setProblem('Type a question first.');
    setProblem(null);
    props.onAsk(text);
    setText('');
  };
  const copyFirstCode = (): void => {
    const answer = props.answer;
    if (!answer) return setProblem('There is no answer to copy code from yet.');
    const live = props.live?.current();
    const shown = props.streaming && live?.messageId === answer.id ? live.text : answer.content;
    const code = firstCodeBlock(shown);
    if (code === null) return setProblem('The answer has no code block to copy.');
    props.onCopyCode(code);
  };
  const stats = props.answer ? statsOf(props.answer) : null;
  return (
    <div
      className="cf-quick"
      data-testid="quick-ask"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          props.onDismiss();
        } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          copyFirstCode();
        }
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
          aria-invalid={problem !== null}
          data-testid="quick-ask-input"
          placeholder="Ask quickly… (Enter to send, Esc to hide)"
          rows={Math.min(MAX_INPUT_ROWS, Math.max(1, text.split('\n').length))}
          autoFocus
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            props.onDraftChange(event.target.value);
            if (problem) setProblem(null);
          }}
          onKeyDown={(event) => {
            if (
              event.key === 'Enter' &&
              !event.shiftKey &&
              !event.ctrlKey &&
              !event.metaKey &&
              !event.nativeEvent.isComposing
            ) {
              event.preventDefault();
              ask();
            }
          }}
        />
        {props.context.length > 0 && (
          <div className="cf-quick-context" role="group" aria-label="Sent with the question">
            {props.context.map((item) => (
              <ContextChip
                key={item.kind}
                item={item}
                onRemove={() => props.onRemoveContext(item.kind)}
              />
            ))}
          </div>
        )}
        <div className="cf-row cf-row-between cf-wrap">
          <div className="cf-presets" role="group" aria-label="Presets">
            {props.presets.map((preset) => (
              <button
                key={preset.id}
                type="button"
                className="cf-chip"
                data-testid={`quick-preset-${preset.id}`}
                aria-pressed={props.preset === preset.id}
                title={preset.systemPrompt}
                onClick={() => props.onPresetChange(props.preset === preset.id ? null : preset.id)}
              >
                {preset.name}
              </button>
            ))}
          </div>
          <span className="cf-row">
            {props.onContinue && (
              <button
                type="button"
                className="cf-button cf-button-small"
                data-testid="quick-ask-continue"
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
      {props.noModel && <NoModelNotice {...props.noModel} />}
      {props.answer && (
        <div className="cf-quick-answer" data-testid="quick-ask-answer" aria-live="polite">
          {props.question && <p className="cf-quick-question">{props.question}</p>}
          <Suspense fallback={<span className="cf-typing" aria-label="Loading the answer" />}>
            <AnswerText
              messageId={props.answer.id}
              content={props.answer.content}
              streaming={props.streaming && props.answer.status === 'streaming'}
              live={props.live}
            />
          </Suspense>
        </div>
      )}
      {(props.modelName || stats) && (
        <div className="cf-quick-meta" data-testid="quick-ask-meta">
          {props.modelName && <span data-testid="quick-ask-model">{props.modelName}</span>}
          {stats && <span data-testid="generation-stats">{formatStats(stats)}</span>}
          {props.answer && !props.streaming && (
            <span className="cf-quick-hint">Ctrl+Enter copies the first code block</span>
          )}
        </div>
      )}
    </div>
  );
}

function NoModelNotice({ lastModelName, loading, onLoad }: NoModel) {
  return (
    <div className="cf-quick-notice" role="status" data-testid="quick-ask-no-model">
      <span>
        No model is loaded.
        {lastModelName === null && ' Choose one in Models in the chat window.'}
      </span>
      {lastModelName !== null && (
        <button
          type="button"
          className="cf-button cf-button-small cf-button-primary"
          data-testid="quick-ask-load-last"
          disabled={loading}
          onClick={onLoad}
        >
          {loading ? `Loading ${lastModelName}…` : `Load ${lastModelName}`}
        </button>
      )}
    </div>
  );
}

/** The message sent for a quick question: its context as fenced blocks their own fences cannot close. */
export function quickQuestion(text: string, context: readonly QuickContext[]): string {
  const blocks = context
    .filter((item) => item.text.trim() !== '')
    .map((item) => {
      const longest = Math.max(2, ...(item.text.match(/`+/g) ?? []).map((run) => run.length));
      const fence = '`'.repeat(longest + 1);
      return `${fence}\n${item.text}\n${fence}`;
    });
  return [text, ...blocks].join('\n\n');
}
