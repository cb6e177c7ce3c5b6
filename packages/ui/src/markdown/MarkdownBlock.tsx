import { isValidElement, memo, type ReactElement, type ReactNode, type RefCallback } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './CodeBlock';
import { fencePath } from './fencePath';
import { useMarkdownHost } from './MarkdownContext';
import { plainBlock } from './unparsedBlocks';

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

/**
 * An image is shown as a link to it, never fetched: a question or an answer could otherwise make
 * the app request any address (a tracking pixel, or data leaked in a URL). The page's CSP would
 * block the request too; this is the first wall, the CSP the second.
 */
function ImageLink({ src, alt }: { src?: string; alt?: string }) {
  if (!src) return <>{alt}</>;
  return (
    <SafeLink href={src}>
      <span className="cf-image-link" data-testid="image-link">
        Image: {alt || src}
      </span>
    </SafeLink>
  );
}

function componentsFor(streaming: boolean): Components {
  return {
    a: ({ href, children }) => <SafeLink href={href}>{children}</SafeLink>,
    img: ({ src, alt }) => <ImageLink src={typeof src === 'string' ? src : undefined} alt={alt} />,
    pre: ({ node, children }) => {
      const code = isValidElement(children) ? (children as ReactElement<CodeElementProps>) : null;
      const language = /language-([\w+#.-]+)/.exec(code?.props.className ?? '')?.[1] ?? '';
      const text = textOf(code?.props.children).replace(/\n$/, '');
      // The fence's info string after the language ("meta") is kept on the hast code element.
      const codeNode = node?.children[0];
      const meta = codeNode?.type === 'element' ? codeNode.data?.meta : null;
      return (
        <CodeBlock code={text} language={language} path={fencePath(meta)} streaming={streaming} />
      );
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

type MarkdownBlockProps = {
  text: string;
  streaming?: boolean;
  /**
   * Receives the element that holds the block's text, the `<p>` of a plain paragraph or the
   * `<code>` of an open code block, so that a streaming answer can lengthen it in place (0456).
   */
  textRef?: RefCallback<HTMLElement>;
};

/** One top-level Markdown block; memoized, so a finished block renders once. */
export const MarkdownBlock = memo(function MarkdownBlock({
  text,
  streaming = false,
  textRef,
}: MarkdownBlockProps) {
  const plain = plainBlock(text);
  if (plain?.kind === 'paragraph') return <p ref={textRef}>{plain.text}</p>;
  if (plain?.kind === 'open-code') {
    return (
      <CodeBlock
        code={plain.code}
        language={plain.language}
        streaming={streaming}
        codeRef={textRef}
      />
    );
  }
  return <ParsedMarkdown text={text} streaming={streaming} />;
});

/** A block through the Markdown parser, whatever it holds. */
export function ParsedMarkdown({ text, streaming = false }: { text: string; streaming?: boolean }) {
  return (
    <Markdown
      remarkPlugins={remarkPlugins}
      components={streaming ? streamingComponents : settledComponents}
    >
      {text}
    </Markdown>
  );
}
