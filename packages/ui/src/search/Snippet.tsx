import type { SnippetRun } from '../types';

/**
 * A search snippet with its matches in `<mark>`. The API sends text runs, not markup, and every
 * run is rendered as React text: message text such as `<img onerror=…>` never becomes HTML.
 */
export function Snippet({ runs }: { runs: readonly SnippetRun[] }) {
  return (
    <span className="cf-snippet" data-testid="search-snippet">
      {runs.map((run, i) =>
        run.highlight ? <mark key={i}>{run.text}</mark> : <span key={i}>{run.text}</span>,
      )}
    </span>
  );
}
