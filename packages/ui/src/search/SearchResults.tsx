import { ProgressBar } from '../feedback/ProgressBar';
import type { IndexStatus, SearchHit } from '../types';
import { Snippet } from './Snippet';
import { formatCount } from '../models/format';

type SearchResultsProps = {
  query: string;
  hits: readonly SearchHit[];
  loading: boolean;
  error: string | null;
  index: IndexStatus | null;
  onOpen: (hit: SearchHit) => void;
};

/** Shown while messages are being embedded for semantic search. */
export function IndexingIndicator({ status }: { status: IndexStatus }) {
  if (!status.available || status.state === 'idle' || status.pending === 0) return null;
  const done = status.indexedThisRun;
  const total = done + status.pending;
  return (
    <div className="cf-indexing" data-testid="indexing-progress" role="status">
      <ProgressBar value={done} max={total} label="Semantic index" />
      <span className="cf-muted">
        {status.state === 'paused'
          ? 'Semantic index paused while the model answers'
          : `Indexing for semantic search… ${formatCount(status.pending)} to go`}
      </span>
    </div>
  );
}

export function SearchResults({ query, hits, loading, error, index, onOpen }: SearchResultsProps) {
  return (
    <section className="cf-search-results" aria-label="Search results" data-testid="search-results">
      {index && <IndexingIndicator status={index} />}
      {error && (
        <p className="cf-pad cf-text-danger" role="alert">
          {error}
        </p>
      )}
      {loading && hits.length === 0 && <p className="cf-muted cf-pad">Searching…</p>}
      {!loading && !error && hits.length === 0 && (
        <p className="cf-muted cf-pad">No messages match “{query}”.</p>
      )}
      <ul className="cf-search-hits">
        {hits.map((hit) => (
          <li key={hit.messageId}>
            <button
              type="button"
              className="cf-search-hit"
              data-testid="search-hit"
              data-message-id={hit.messageId}
              onClick={() => onOpen(hit)}
            >
              <span className="cf-search-hit-title">
                {hit.chatTitle || 'Untitled chat'}
                {hit.matchedBy?.length === 1 && hit.matchedBy[0] === 'semantic' && (
                  <span className="cf-tag" data-testid="semantic-hit">
                    similar meaning
                  </span>
                )}
              </span>
              <Snippet runs={hit.snippet} />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
