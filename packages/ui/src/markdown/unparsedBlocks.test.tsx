import fc from 'fast-check';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MarkdownBlock, ParsedMarkdown } from './MarkdownBlock';
import { openCodeFence, plainParagraph } from './unparsedBlocks';

const asRendered = (text: string, streaming = false) =>
  renderToStaticMarkup(<MarkdownBlock text={text} streaming={streaming} />);
const asParsed = (text: string, streaming = false) =>
  renderToStaticMarkup(<ParsedMarkdown text={text} streaming={streaming} />);

/** Prose, mostly plain, with a share of everything Markdown gives meaning to. */
const proseChars = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(...'abcXYZ019 ,.;:\'"()?%$/'.split(''), ' ', '  ', '\t', '\n'),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...'-+=#>*_`[]<!&|@\\~'.split(''),
      '    ',
      '\n\n',
      '1. ',
      '2) ',
      '---',
      '===',
      'www.',
      'http://x.io',
      'a@b.co',
      '&amp;',
      '\r',
    ),
  },
);
const prose = fc.array(proseChars, { maxLength: 60 }).map((parts) => parts.join(''));

describe('plainParagraph', () => {
  it('takes ordinary prose, soft line breaks included', () => {
    const text = "Here's how it works: call it twice.\n  Then (once more) it returns 42 ";
    expect(plainParagraph(text)).toBe(
      "Here's how it works: call it twice.\nThen (once more) it returns 42",
    );
    expect(asRendered(text)).toBe(asParsed(text));
  });

  it('leaves anything with Markdown syntax to the parser', () => {
    for (const text of [
      'a *b*',
      'see www.example.com',
      'mail a@b.co',
      '# title',
      '- item',
      '1. item',
      'a\n---',
      '    indented code',
      'line  \nbreak',
      'a &amp; b',
      'one\n\ntwo',
    ]) {
      expect(plainParagraph(text)).toBeNull();
    }
  });

  it('renders exactly what the parser renders, whatever the text', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(prose, (text) => {
        if (plainParagraph(text) === null) return;
        expect(asRendered(text)).toBe(asParsed(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('openCodeFence', () => {
  const codeLine = fc.array(proseChars, { maxLength: 8 }).map((parts) => parts.join(''));
  const openFence = fc
    .record({
      marks: fc.constantFrom('```', '````', '~~~'),
      language: fc.constantFrom('', 'ts', 'c++', 'objective-c', 'py3'),
      space: fc.constantFrom('', ' '),
      lines: fc.array(codeLine, { maxLength: 6 }),
    })
    .map(({ marks, language, space, lines }) =>
      [`${marks}${space}${language}`, ...lines].join('\n'),
    );

  it('takes a code block whose closing fence has not arrived', () => {
    expect(openCodeFence('```ts\nconst a = 1;\n')).toEqual({
      language: 'ts',
      code: 'const a = 1;',
    });
    expect(openCodeFence('```ts\nconst a = 1;\n```')).toBeNull();
    expect(openCodeFence('Text\n```ts\nconst a = 1;')).toBeNull();
  });

  it('renders exactly what the parser renders, streaming or not', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(openFence, fc.boolean(), (text, streaming) => {
        if (openCodeFence(text) === null) return;
        expect(asRendered(text, streaming)).toBe(asParsed(text, streaming));
      }),
      { numRuns: 1000 },
    );
  });
});
