/**
 * What became of a form's last action ("Saved.", "Copied."), beside its buttons and read out
 * politely; nothing while there is nothing to say.
 */
export function FormStatus({ text }: { text: string | null }) {
  return text ? (
    <span className="cf-muted" role="status">
      {text}
    </span>
  ) : null;
}
