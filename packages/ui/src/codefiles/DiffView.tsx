import { Fragment, useMemo } from 'react';
import { fileDiff, splitRows, type DiffLine, type FileDiff } from './diffRows';

export type DiffLayout = 'unified' | 'split';

const SIGN: Record<DiffLine['kind'], string> = { context: ' ', added: '+', removed: '−' };
const SPOKEN: Record<DiffLine['kind'], string> = {
  context: 'unchanged',
  added: 'added',
  removed: 'removed',
};

function LineCells({ line, side }: { line: DiffLine | null; side: 'old' | 'new' | 'both' }) {
  if (line === null) {
    return (
      <>
        <td className="cf-diff-no" />
        <td className="cf-diff-text cf-diff-gap" />
      </>
    );
  }
  const number = side === 'new' ? line.newNo : line.oldNo;
  return (
    <>
      {side === 'both' ? (
        <>
          <td className="cf-diff-no">{line.oldNo ?? ''}</td>
          <td className="cf-diff-no">{line.newNo ?? ''}</td>
        </>
      ) : (
        <td className="cf-diff-no">{number ?? ''}</td>
      )}
      <td className={`cf-diff-text cf-diff-${line.kind}`} title={SPOKEN[line.kind]}>
        <span className="cf-diff-sign" aria-label={SPOKEN[line.kind]}>
          {SIGN[line.kind]}
        </span>
        {line.text}
      </td>
    </>
  );
}

/** A change to one file, unified (one column) or side by side (before | after). */
export function DiffView({ diff, layout }: { diff: FileDiff; layout: DiffLayout }) {
  if (diff.tooLarge) {
    return (
      <p className="cf-muted" data-testid="diff-too-large">
        The two versions differ too much to show line by line; the whole file will be replaced.
      </p>
    );
  }
  if (diff.hunks.length === 0) {
    return (
      <p className="cf-muted" data-testid="diff-empty">
        The file already holds exactly this code; writing it changes nothing.
      </p>
    );
  }
  const columns = layout === 'unified' ? 3 : 4;
  return (
    <div className="cf-diff-scroll" tabIndex={0} aria-label="Changes">
      <table className={`cf-diff cf-diff-${layout}`} data-testid={`diff-${layout}`}>
        {layout === 'split' && (
          // A fixed layout takes its widths from here: narrow numbers, two equal halves of code.
          <colgroup>
            <col className="cf-diff-no-col" />
            <col />
            <col className="cf-diff-no-col" />
            <col />
          </colgroup>
        )}
        {layout === 'split' && (
          <thead>
            <tr>
              <th colSpan={2}>Before</th>
              <th colSpan={2}>After</th>
            </tr>
          </thead>
        )}
        <tbody>
          {diff.hunks.map((hunk, h) => (
            <Fragment key={h}>
              <tr className="cf-diff-hunk">
                <td colSpan={columns}>{hunk.header}</td>
              </tr>
              {layout === 'unified'
                ? hunk.lines.map((line, i) => (
                    <tr key={i} data-kind={line.kind}>
                      <LineCells line={line} side="both" />
                    </tr>
                  ))
                : splitRows(hunk).map((row, i) => (
                    <tr key={i}>
                      <LineCells line={row.left} side="old" />
                      <LineCells line={row.right} side="new" />
                    </tr>
                  ))}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The diff of two texts, computed once per pair. */
export function useFileDiff(before: string, after: string): FileDiff {
  return useMemo(() => fileDiff(before, after), [before, after]);
}
