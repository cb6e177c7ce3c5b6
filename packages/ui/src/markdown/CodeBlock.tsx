import { useEffect, useState, type CSSProperties, type ReactNode } from 'react';
import type { ThemedToken } from 'shiki/core';
import { grammarFor, highlightCode } from './highlighter';
import { useMarkdownHost } from './MarkdownContext';

type CodeBlockProps = {
  code: string;
  language: string;
  /** While the block is still streaming it is shown plain; highlighting waits for the end. */
  streaming?: boolean;
};

function renderTokens(tokens: ThemedToken[][]): ReactNode {
  return tokens.map((line, i) => (
    <span className="cf-code-line" key={i}>
      {line.map((token, j) => (
        <span key={j} style={token.htmlStyle as CSSProperties | undefined}>
          {token.content}
        </span>
      ))}
      {'\n'}
    </span>
  ));
}

export function CodeBlock({ code, language, streaming = false }: CodeBlockProps) {
  const host = useMarkdownHost();
  const [wrap, setWrap] = useState(false);
  const [copied, setCopied] = useState(false);
  const [tokens, setTokens] = useState<{ code: string; lines: ThemedToken[][] } | null>(null);
  const grammar = grammarFor(language);

  useEffect(() => {
    if (streaming || grammar === null) return;
    let live = true;
    highlightCode(code, grammar).then(
      (lines) => {
        if (live) setTokens({ code, lines });
      },
      // Highlighting is an embellishment: on failure the plain code stays on screen.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [code, grammar, streaming]);

  const copy = (): void => {
    host.copyText(code).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => setCopied(false),
    );
  };

  const highlighted = tokens !== null && tokens.code === code;
  return (
    <div className="cf-codeblock" data-testid="code-block" data-highlighted={highlighted}>
      <div className="cf-codeblock-header">
        <span className="cf-codeblock-lang" data-testid="code-language">
          {language || 'text'}
        </span>
        <button
          type="button"
          className="cf-button cf-button-ghost cf-button-small"
          aria-pressed={wrap}
          onClick={() => setWrap((w) => !w)}
        >
          {wrap ? 'No wrap' : 'Wrap'}
        </button>
        <button
          type="button"
          className="cf-button cf-button-ghost cf-button-small"
          data-testid="copy-code"
          onClick={copy}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre className={wrap ? 'cf-code cf-code-wrap' : 'cf-code'} tabIndex={0}>
        <code>{highlighted ? renderTokens(tokens.lines) : code}</code>
      </pre>
    </div>
  );
}
