import { closesFence, openFence, type Fence } from '../markdown/blocks';

/**
 * The code of the first fenced block in Markdown text, or null. Fences are recognised as the
 * block splitter recognises them; a block whose closing fence has not arrived yet (the answer is
 * still streaming) gives the code so far.
 */
export function firstCodeBlock(markdown: string): string | null {
  let fence: Fence | null = null;
  const body: string[] = [];
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (fence === null) {
      fence = openFence(line);
      continue;
    }
    if (closesFence(line, fence)) break;
    body.push(line);
  }
  return fence === null ? null : body.join('\n');
}
