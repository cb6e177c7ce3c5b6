import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import fc from 'fast-check';
import { Profiler } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MarkdownHostContext } from '../markdown/MarkdownContext';
import { StreamingMarkdown } from '../markdown/StreamingMarkdown';
import { AnswerText } from './AnswerText';
import { createLiveAnswer } from './liveAnswer';

afterEach(cleanup);

/** AnswerText for message `a`, streaming from `live`, with a count of React commits. */
function renderStreaming() {
  const live = createLiveAnswer();
  const commits = { count: 0 };
  const view = render(
    <Profiler id="answer" onRender={() => commits.count++}>
      <AnswerText messageId="a" content="" streaming live={live} />
    </Profiler>,
  );
  act(() => live.start('a', ''));
  return { live, commits, view };
}

/** The markup StreamingMarkdown renders for this text from scratch. */
function expectedMarkup(text: string, streaming: boolean): string {
  const expected = render(<StreamingMarkdown text={text} streaming={streaming} />);
  const html = expected.container.innerHTML;
  expected.unmount();
  return html;
}

describe('AnswerText while it streams', () => {
  it('lengthens a paragraph of prose in place, without rendering again', () => {
    const { live, commits, view } = renderStreaming();
    act(() => live.append('Here is'));
    const paragraph = view.container.querySelector('p');
    const before = commits.count;
    let text = 'Here is';
    for (let word = 0; word < 200; word++) {
      const piece = ` word${word}`;
      text += piece;
      act(() => live.append(piece));
    }
    expect(commits.count).toBe(before);
    expect(view.container.querySelector('p')).toBe(paragraph);
    expect(paragraph?.textContent).toBe(text);
    expect(view.container.innerHTML).toBe(expectedMarkup(text, true));
  });

  it('renders again when a block ends or Markdown syntax arrives', () => {
    const { live, commits } = renderStreaming();
    act(() => live.append('One paragraph'));
    const afterFirst = commits.count;
    act(() => live.append('\n\nTwo'));
    expect(commits.count).toBe(afterFirst + 1);
    act(() => live.append(' with *emphasis*'));
    expect(commits.count).toBe(afterFirst + 2);
    expect(screen.getByText('emphasis').tagName).toBe('EM');
  });

  it('lengthens an open code block in place, and copies the code that is on screen', async () => {
    const copied = vi.fn((_text: string) => Promise.resolve());
    const live = createLiveAnswer();
    const commits = { count: 0 };
    render(
      <MarkdownHostContext.Provider value={{ openLink: () => undefined, copyText: copied }}>
        <Profiler id="answer" onRender={() => commits.count++}>
          <AnswerText messageId="a" content="" streaming live={live} />
        </Profiler>
      </MarkdownHostContext.Provider>,
    );
    act(() => live.start('a', '```ts\nconst a = 1;\n'));
    const before = commits.count;
    act(() => live.append('const b = 2;\n'));
    act(() => live.append('const c = 3;'));
    expect(commits.count).toBe(before);
    expect(screen.getByTestId('code-block').querySelector('code')?.textContent).toBe(
      'const a = 1;\nconst b = 2;\nconst c = 3;',
    );
    await act(async () => {
      fireEvent.click(screen.getByTestId('copy-code'));
      await Promise.resolve();
    });
    expect(copied).toHaveBeenCalledWith('const a = 1;\nconst b = 2;\nconst c = 3;');
  });

  it('shows after every update exactly what rendering the text from scratch shows', () => {
    // Fences come often, and a word may follow one on its line: the language is still arriving.
    const piece = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('word ', 'and ', 'x', 'ts', '42', ', ', '. ', ' ') },
      { weight: 3, arbitrary: fc.constantFrom('\n', '\n\n', '```', '~~~', '    ', '\t', '  ') },
      { weight: 1, arbitrary: fc.constantFrom('*', '`', '# ', '- ', '1. ', '[a](b)', '\r', '|') },
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 40 }), (pieces) => {
        const { live, view } = renderStreaming();
        let text = '';
        for (const next of pieces) {
          text += next;
          act(() => live.append(next));
          if (text.trim() !== '') expect(view.container.innerHTML).toBe(expectedMarkup(text, true));
        }
        view.rerender(
          <Profiler id="answer" onRender={() => undefined}>
            <AnswerText messageId="a" content={text} streaming={false} live={live} />
          </Profiler>,
        );
        if (text.trim() !== '') expect(view.container.innerHTML).toBe(expectedMarkup(text, false));
        view.unmount();
      }),
      { numRuns: 150 },
    );
    // 150 renders of up to 40 steps each: about 2 s alone, and well past the default 5 s on a
    // machine busy with other test files.
  }, 30_000);
});
