/** Text the quick question takes along: what was copied, or (on Linux) what was just selected. */
export type QuickContext = { kind: 'clipboard' | 'selection'; text: string };

const LABELS: Record<QuickContext['kind'], string> = {
  clipboard: 'Clipboard',
  selection: 'Selection',
};

/** The first line, cut to fit a chip: enough to recognise what will be sent. */
export function contextPreview(text: string, max = 48): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A chip that shows what will be sent with the question, and removes it. */
export function ContextChip({ item, onRemove }: { item: QuickContext; onRemove: () => void }) {
  const lines = item.text.split('\n').length;
  const size = lines > 1 ? `${lines} lines` : `${item.text.length} chars`;
  return (
    <span className="cf-context-chip" data-testid={`quick-context-${item.kind}`} title={item.text}>
      <span className="cf-context-chip-kind">{LABELS[item.kind]}</span>
      <code className="cf-context-chip-text">{contextPreview(item.text)}</code>
      <span className="cf-muted">{size}</span>
      <button
        type="button"
        className="cf-context-chip-remove"
        aria-label={`Do not send the ${item.kind}`}
        onClick={onRemove}
      >
        ×
      </button>
    </span>
  );
}
