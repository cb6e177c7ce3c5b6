import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type CSSProperties,
  type ReactNode,
  type RefCallback,
} from 'react';
import type { ThemedToken } from 'shiki/core';
import { grammarFor, highlightCode } from './highlighter';
import { useMarkdownHost } from './MarkdownContext';

type CodeBlockProps = {
  code: string;
  language: string;
  /** The path the fence's info string proposes, for "Save as…" and "Apply to file…". */
  path?: string | null;
  /** While the block is still streaming it is shown plain; highlighting waits for the end. */
  streaming?: boolean;
  /** Receives the `<code>` element; while streaming, its text may run ahead of `code` (0456). */
  codeRef?: RefCallback<HTMLElement>;
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

export function CodeBlock({
  code,
  language,
  path = null,
  streaming = false,
  codeRef,
}: CodeBlockProps) {
  const host = useMarkdownHost();
  const shown = useRef<HTMLElement | null>(null);
  const setCodeElement = useCallback(
    (element: HTMLElement | null) => {
      shown.current = element;
      codeRef?.(element);
    },
    [codeRef],
  );
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
    // A streaming block is lengthened in place, so what is on screen is the latest code.
    host.copyText(streaming ? (shown.current?.textContent ?? code) : code).then(
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
          {path && <span className="cf-codeblock-path"> · {path}</span>}
        </span>
        {/* A file gets the finished block only: a streaming one is still being written. */}
        {host.codeToFile && !streaming && (
          <>
            <button
              type="button"
              className="cf-button cf-button-ghost cf-button-small"
              data-testid="save-code-as"
              onClick={() => host.codeToFile?.({ mode: 'save', code, language, path })}
            >
              Save as…
            </button>
            <button
              type="button"
              className="cf-button cf-button-ghost cf-button-small"
              data-testid="apply-code-to-file"
              onClick={() => host.codeToFile?.({ mode: 'apply', code, language, path })}
            >
              Apply to file…
            </button>
          </>
        )}
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
        <code ref={setCodeElement}>{highlighted ? renderTokens(tokens.lines) : code}</code>
      </pre>
    </div>
  );
}
