import type { ContextBudget } from '../types';
import { formatCount } from '../models/format';

/** What the meter says in words: too long beats left out, which beats how full. */
function labelOf(budget: ContextBudget, percent: number): string {
  if (budget.freeTokens < 0) {
    const over = -budget.freeTokens;
    return `Message too long by ${formatCount(over)} ${over === 1 ? 'token' : 'tokens'}`;
  }
  if (budget.droppedTurns > 0) {
    return `${budget.droppedTurns} older ${budget.droppedTurns === 1 ? 'message' : 'messages'} will be left out`;
  }
  return `${percent}% of context`;
}

export function ContextMeter({ budget }: { budget: ContextBudget }) {
  const percent = Math.min(
    100,
    Math.round(budget.windowTokens > 0 ? (budget.usedTokens / budget.windowTokens) * 100 : 100),
  );
  const warn = budget.droppedTurns > 0 || budget.freeTokens < 0;
  const restored = budget.restoredTokens ?? 0;
  const restoredNote =
    restored > 0 ? `${formatCount(restored)} tokens restored from disk, not read again` : null;
  const about = budget.exact ? '' : 'about ';
  const title = [
    `${about}${formatCount(budget.usedTokens)} of ${formatCount(budget.windowTokens)} tokens`,
    `${formatCount(budget.answerTokens)} kept for the answer`,
    budget.freeTokens >= 0
      ? `${about}${formatCount(budget.freeTokens)} more fit in your message`
      : 'shorten your message to send it',
    budget.exact ? null : 'estimated: the model’s tokenizer is not at hand',
    restoredNote,
  ]
    .filter((part) => part !== null)
    .join('; ');
  return (
    <div
      className={warn ? 'cf-context cf-context-warn' : 'cf-context'}
      data-testid="context-meter"
      data-free-tokens={budget.freeTokens}
      title={title}
    >
      <div
        className="cf-context-bar"
        role="meter"
        aria-label="Context used"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="cf-context-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="cf-context-label">{labelOf(budget, percent)}</span>
      {restoredNote && (
        <span className="cf-context-restored" data-testid="context-restored" title={restoredNote}>
          {formatCount(restored)} tokens restored from disk
        </span>
      )}
    </div>
  );
}
