import type { ReactNode } from 'react';

type SettingsSectionProps = {
  /** The heading, which also names the section for screen readers. */
  title: string;
  /** Where a link can jump to, such as `settings-sync`, where the sync indicator opens Settings. */
  id?: string;
  testId?: string;
  children: ReactNode;
};

/** One card of the Settings screen: a heading and what it sets. */
export function SettingsSection({ title, id, testId, children }: SettingsSectionProps) {
  return (
    <section className="cf-card" aria-label={title} id={id} data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
