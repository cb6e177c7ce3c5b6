type ProgressBarProps = {
  /** Done so far; null when nothing can be measured yet (the bar then moves without a fill). */
  value: number | null;
  /** The whole; null when unknown. */
  max: number | null;
  label: string;
  testId?: string;
};

/**
 * A progress bar drawn from the theme's colours, not the browser's: the native one paints its
 * empty track with the accent in some dark themes, so an empty bar looked full.
 */
export function ProgressBar({ value, max, label, testId }: ProgressBarProps) {
  const known = value !== null && max !== null && max > 0;
  const fraction = known ? Math.min(1, Math.max(0, value / max)) : 0;
  return (
    <div
      className={`cf-progress${known ? '' : ' cf-progress-unknown'}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={known ? max : undefined}
      aria-valuenow={known ? value : undefined}
      data-testid={testId}
    >
      <div className="cf-progress-fill" style={{ width: `${(fraction * 100).toFixed(2)}%` }} />
    </div>
  );
}
