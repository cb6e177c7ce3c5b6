import { useRef } from 'react';
import { advanceBlocks, EMPTY_SPLIT, type BlockSplit } from './blocks';
import { MarkdownBlock } from './MarkdownBlock';

type StreamingMarkdownProps = { text: string; streaming?: boolean };

/**
 * Renders Markdown as a list of blocks. Completed blocks keep their props, so React skips them;
 * only the open last block re-renders as text arrives. Mount it with `key={messageId}` so the
 * split restarts for another message.
 */
export function StreamingMarkdown({ text, streaming = false }: StreamingMarkdownProps) {
  const split = useRef<BlockSplit>(EMPTY_SPLIT);
  if (split.current.length !== text.length) split.current = advanceBlocks(split.current, text);
  const { completed, tailStart } = split.current;
  const tail = text.slice(tailStart);
  return (
    <div className="cf-markdown">
      {completed.map((block, i) => (
        <MarkdownBlock key={i} text={block} />
      ))}
      {tail.trim() !== '' && (
        <MarkdownBlock key={completed.length} text={tail} streaming={streaming} />
      )}
    </div>
  );
}
