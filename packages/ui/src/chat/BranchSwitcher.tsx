type BranchSwitcherProps = {
  index: number;
  count: number;
  onStep: (step: -1 | 1) => void;
};

/** `‹ 2/3 ›`: moves between the versions of a message (regenerations or edits). */
export function BranchSwitcher({ index, count, onStep }: BranchSwitcherProps) {
  if (count < 2) return null;
  return (
    <span className="cf-branches" data-testid="branch-switcher" role="group" aria-label="Versions">
      <button
        type="button"
        className="cf-icon-button"
        aria-label="Previous version"
        disabled={index === 0}
        onClick={() => onStep(-1)}
      >
        ‹
      </button>
      <span className="cf-branches-count" data-testid="branch-position">
        {index + 1}/{count}
      </span>
      <button
        type="button"
        className="cf-icon-button"
        aria-label="Next version"
        disabled={index >= count - 1}
        onClick={() => onStep(1)}
      >
        ›
      </button>
    </span>
  );
}
