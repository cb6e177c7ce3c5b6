type SegmentedProps<Value extends string> = {
  /** What the choice is about, for screen readers. */
  label: string;
  options: readonly { value: Value; label: string }[];
  value: Value;
  onChange: (value: Value) => void;
  /** Each option's test id is this prefix and its value, such as `theme-dark`. */
  testIdPrefix: string;
};

/** One of a few choices side by side (a radio group drawn as joined buttons). */
export function Segmented<Value extends string>(props: SegmentedProps<Value>) {
  return (
    <div className="cf-segmented" role="radiogroup" aria-label={props.label}>
      {props.options.map((option) => (
        <button
          key={option.value}
          type="button"
          role="radio"
          aria-checked={props.value === option.value}
          data-testid={`${props.testIdPrefix}${option.value}`}
          onClick={() => props.onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
