import { createContext, useContext } from 'react';

/** What Markdown needs from its host: links open through it, never in the app window. */
export type MarkdownHost = {
  openLink: (href: string) => void;
  copyText: (text: string) => Promise<void>;
};

const noHost: MarkdownHost = {
  openLink: () => undefined,
  copyText: (text) => navigator.clipboard.writeText(text),
};

export const MarkdownHostContext = createContext<MarkdownHost>(noHost);

export const useMarkdownHost = (): MarkdownHost => useContext(MarkdownHostContext);
