import { closesFence, openFence } from './blocks';

/**
 * Two kinds of block that render the same without a Markdown parser, recognised conservatively:
 * a paragraph of plain prose, and a fenced code block that is still open. They are the blocks
 * that grow longest while an answer streams, and the open block is parsed again on every frame,
 * so parsing them would make each frame cost more the longer the block gets. Anything this does
 * not recognise goes through the parser; the tests check both give the same markup.
 */

/**
 * What may start inline Markdown or GFM anywhere in a line: escapes, code, emphasis,
 * strikethrough, links, images, HTML, references, tables and GFM's autolinked URLs and emails;
 * and a carriage return, which ends a line too.
 */
const INLINE_SYNTAX = /[\\`*_~[\]<>!&|@\r]|:\/\/|www\./i;
/**
 * Lines that may start another block or change this one: indented code, list items, headings,
 * quotes, thematic breaks and setext underlines.
 */
const BLOCK_START = /^(?: {0,3}\t| {4}| {0,3}(?:[-+*>#=]|\d+[.)]))/;
/** A hard line break: two spaces before the end of a line. */
const HARD_BREAK = / {2,}\n/;

/** Markdown trims spaces and tabs around a paragraph's lines; other white space is text. */
const trimSpaces = (line: string): string => line.replace(/^[ \t]+|[ \t]+$/g, '');

/**
 * The text of a paragraph that holds no Markdown syntax, as the parser would render it (each
 * line trimmed, soft line breaks kept), or null for anything else.
 */
export function plainParagraph(block: string): string | null {
  if (INLINE_SYNTAX.test(block) || HARD_BREAK.test(block)) return null;
  const lines = block.replace(/[ \t\n]+$/, '').split('\n');
  if (lines.some((line) => trimSpaces(line) === '' || BLOCK_START.test(line))) return null;
  return lines.map(trimSpaces).join('\n');
}

/** An opening fence at column 0 with a plain language name or none. */
const PLAIN_OPENING = /^(?:`{3,}|~{3,})[ \t]*([\w+#.-]*)[ \t]*$/;

/**
 * The language and code of a block that is a fenced code block whose closing fence has not
 * arrived yet, or null. Only fences at column 0 with a plain language name qualify: the parser
 * handles indentation and escapes. Fences are recognised as the block splitter does.
 */
export function openCodeFence(block: string): { language: string; code: string } | null {
  // A carriage return ends a line too; the parser normalises line endings.
  if (block.includes('\r')) return null;
  const newline = block.indexOf('\n');
  const opening = newline === -1 ? block : block.slice(0, newline);
  const plain = PLAIN_OPENING.exec(opening);
  const fence = openFence(opening);
  if (!plain || !fence) return null;
  const body = newline === -1 ? '' : block.slice(newline + 1);
  // A line that might close it (even one indented too far to) leaves the block to the parser.
  if (body.split('\n').some((line) => closesFence(line, fence))) return null;
  return { language: plain[1] ?? '', code: body.replace(/\n$/, '') };
}

/** A block that renders without the parser: what it is, and the text it shows. */
export type PlainBlock =
  { kind: 'paragraph'; text: string } | { kind: 'open-code'; language: string; code: string };

/** The block as a plain paragraph or an open code block, or null for the parser. */
export function plainBlock(block: string): PlainBlock | null {
  const paragraph = plainParagraph(block);
  if (paragraph !== null) return { kind: 'paragraph', text: paragraph };
  const fence = openCodeFence(block);
  return fence === null ? null : { kind: 'open-code', ...fence };
}
