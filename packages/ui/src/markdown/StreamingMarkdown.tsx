import { useRef, type RefCallback } from 'react';
import { advanceBlocks, EMPTY_SPLIT, type BlockSplit } from './blocks';
import { MarkdownBlock } from './MarkdownBlock';

type StreamingMarkdownProps = {
  text: string;
  streaming?: boolean;
  /** Receives the element holding the open last block's text, when it is plain (0456). */
  tailRef?: RefCallback<HTMLElement>;
};

/**
 * Renders Markdown as a list of blocks. Completed blocks keep their props, so React skips them;
 * only the open last block re-renders as text arrives. Mount it with `key={messageId}` so the
 * split restarts for another message.
 */
export function StreamingMarkdown({ text, streaming = false, tailRef }: StreamingMarkdownProps) {
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
        <MarkdownBlock key={completed.length} text={tail} streaming={streaming} textRef={tailRef} />
      )}
    </div>
  );
}
