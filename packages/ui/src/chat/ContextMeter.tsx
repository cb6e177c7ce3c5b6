import type { ContextBudget } from './contextBudget';
import { formatCount } from '../models/format';

export function ContextMeter({ budget }: { budget: ContextBudget }) {
  const percent = Math.min(100, Math.round(budget.fraction * 100));
  const warn = budget.droppedTurns > 0;
  const restored = budget.restoredTokens ?? 0;
  const label = warn
    ? `${budget.droppedTurns} older ${budget.droppedTurns === 1 ? 'message' : 'messages'} will be left out`
    : `${percent}% of context`;
  const restoredNote =
    restored > 0 ? `${formatCount(restored)} tokens restored from disk, not read again` : null;
  return (
    <div
      className={warn ? 'cf-context cf-context-warn' : 'cf-context'}
      data-testid="context-meter"
      title={`${formatCount(budget.usedTokens)} of ${formatCount(budget.windowTokens)} tokens${restoredNote ? `; ${restoredNote}` : ''}`}
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
      <span className="cf-context-label">{label}</span>
      {restoredNote && (
        <span className="cf-context-restored" data-testid="context-restored" title={restoredNote}>
          {formatCount(restored)} tokens restored from disk
        </span>
      )}
    </div>
  );
}
