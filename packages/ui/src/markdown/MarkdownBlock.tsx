import { isValidElement, memo, type ReactElement, type ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './CodeBlock';
import { useMarkdownHost } from './MarkdownContext';
import { openCodeFence, plainParagraph } from './unparsedBlocks';

const remarkPlugins = [remarkGfm];

type CodeElementProps = { className?: string; children?: ReactNode };

function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  return '';
}

function SafeLink({ href, children }: { href?: string; children?: ReactNode }) {
  const host = useMarkdownHost();
  return (
    <a
      href={href}
      rel="noopener noreferrer"
      target="_blank"
      onClick={(event) => {
        // The app window never navigates: the host opens the link in the system browser.
        event.preventDefault();
        if (href) host.openLink(href);
      }}
    >
      {children}
    </a>
  );
}

function componentsFor(streaming: boolean): Components {
  return {
    a: ({ href, children }) => <SafeLink href={href}>{children}</SafeLink>,
    pre: ({ children }) => {
      const code = isValidElement(children) ? (children as ReactElement<CodeElementProps>) : null;
      const language = /language-([\w+#.-]+)/.exec(code?.props.className ?? '')?.[1] ?? '';
      const text = textOf(code?.props.children).replace(/\n$/, '');
      return <CodeBlock code={text} language={language} streaming={streaming} />;
    },
    code: ({ className, children }) => (
      <code className={className ? `${className} cf-inline-code` : 'cf-inline-code'}>
        {children}
      </code>
    ),
    table: ({ children }) => (
      <div className="cf-table-scroll">
        <table>{children}</table>
      </div>
    ),
  };
}

const settledComponents = componentsFor(false);
const streamingComponents = componentsFor(true);

type MarkdownBlockProps = { text: string; streaming?: boolean };

/** One top-level Markdown block; memoized, so a finished block renders once. */
export const MarkdownBlock = memo(function MarkdownBlock({
  text,
  streaming = false,
}: MarkdownBlockProps) {
  const paragraph = plainParagraph(text);
  if (paragraph !== null) return <p>{paragraph}</p>;
  const fence = openCodeFence(text);
  if (fence !== null) {
    return <CodeBlock code={fence.code} language={fence.language} streaming={streaming} />;
  }
  return <ParsedMarkdown text={text} streaming={streaming} />;
});

/** A block through the Markdown parser, whatever it holds. */
export function ParsedMarkdown({ text, streaming = false }: MarkdownBlockProps) {
  return (
    <Markdown
      remarkPlugins={remarkPlugins}
      components={streaming ? streamingComponents : settledComponents}
    >
      {text}
    </Markdown>
  );
}
