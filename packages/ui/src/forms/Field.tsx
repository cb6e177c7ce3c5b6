import type { InputHTMLAttributes, ReactNode } from 'react';

/** The id of a field's hint or problem, which its control names in `aria-describedby`. */
export const hintIdOf = (id: string): string => `${id}-hint`;

type FieldProps = {
  /** The id of the control inside, which the label points at. */
  id: string;
  label: string;
  /** What the field is for; replaced by the problem while there is one. */
  hint?: ReactNode;
  /** What is wrong with the value, as a sentence; read out as soon as it appears. */
  problem?: string | null;
  children: ReactNode;
};

/**
 * A labelled control with its hint, or the problem with what was typed in the hint's place, so
 * every form in the app says the same thing the same way. The control describes itself with
 * `hintIdOf(id)`; `TextField` does that for a plain text input.
 */
export function Field({ id, label, hint, problem, children }: FieldProps) {
  return (
    <div className="cf-field">
      <label className="cf-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {problem ? (
        <div id={hintIdOf(id)} className="cf-field-problem" role="alert">
          {problem}
        </div>
      ) : (
        hint && (
          <div id={hintIdOf(id)} className="cf-hint">
            {hint}
          </div>
        )
      )}
    </div>
  );
}

type TextFieldProps = Omit<FieldProps, 'children'> &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'children'> & {
    value: string;
    onValueChange: (value: string) => void;
    /** As wide as the form allows (addresses, emails, keys). */
    wide?: boolean;
  };

/** A `Field` around one text input, with its hint or problem wired to it for screen readers. */
export function TextField({
  id,
  label,
  hint,
  problem,
  value,
  onValueChange,
  wide = false,
  className,
  ...input
}: TextFieldProps) {
  const described = Boolean(problem) || Boolean(hint);
  return (
    <Field id={id} label={label} hint={hint} problem={problem}>
      <input
        {...input}
        id={id}
        className={['cf-input', wide && 'cf-input-wide', className].filter(Boolean).join(' ')}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={described ? hintIdOf(id) : undefined}
        onChange={(event) => onValueChange(event.target.value)}
      />
    </Field>
  );
}
