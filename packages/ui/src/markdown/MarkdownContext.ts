import { createContext, useContext } from 'react';

/** A code block the person wants in a file: a new one ("save") or an existing one ("apply"). */
export type CodeToFileRequest = {
  mode: 'save' | 'apply';
  code: string;
  language: string;
  /** The path the fence's info string proposes (```ts src/app.ts), or null. */
  path: string | null;
};

/** What Markdown needs from its host: links open through it, never in the app window. */
export type MarkdownHost = {
  openLink: (href: string) => void;
  copyText: (text: string) => Promise<void>;
  /** Where code can go into files; code blocks offer "Save as…" and "Apply to file…" if set. */
  codeToFile?: (request: CodeToFileRequest) => void;
};

const noHost: MarkdownHost = {
  openLink: () => undefined,
  copyText: (text) => navigator.clipboard.writeText(text),
};

export const MarkdownHostContext = createContext<MarkdownHost>(noHost);

export const useMarkdownHost = (): MarkdownHost => useContext(MarkdownHostContext);
