import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MarkdownBlock } from './MarkdownBlock';
import { MarkdownHostContext, type MarkdownHost } from './MarkdownContext';

afterEach(cleanup);

function renderWithHost(text: string, host: Partial<MarkdownHost> = {}) {
  const value: MarkdownHost = {
    openLink: vi.fn(),
    copyText: vi.fn(() => Promise.resolve()),
    ...host,
  };
  const view = render(
    <MarkdownHostContext.Provider value={value}>
      <MarkdownBlock text={text} />
    </MarkdownHostContext.Provider>,
  );
  return { ...view, host: value };
}

describe('MarkdownBlock', () => {
  it('renders GFM tables, inline code and lists', () => {
    const { container } = renderWithHost('| a | b |\n|---|---|\n| `x` | 2 |');
    expect(container.querySelector('table td code')?.textContent).toBe('x');
  });

  it('opens links through the host instead of navigating', () => {
    const { host } = renderWithHost('[docs](https://example.com/x)');
    fireEvent.click(screen.getByRole('link', { name: 'docs' }));
    expect(host.openLink).toHaveBeenCalledWith('https://example.com/x');
  });

  it('drops javascript: URLs', () => {
    renderWithHost('[bad](javascript:alert(1))');
    expect(screen.getByText('bad').getAttribute('href') ?? '').not.toContain('javascript');
  });

  it('shows an image as a link to it and never fetches it', () => {
    const { host, container } = renderWithHost('see ![the diagram](https://example.com/d.png)');
    expect(container.querySelector('img')).toBeNull();
    fireEvent.click(screen.getByRole('link', { name: 'Image: the diagram' }));
    expect(host.openLink).toHaveBeenCalledWith('https://example.com/d.png');
  });

  it('shows code with its language, copies it and toggles wrapping', async () => {
    const { host, container } = renderWithHost('```ts\nconst a: number = 1;\n```');
    expect(screen.getByTestId('code-language').textContent).toBe('ts');
    fireEvent.click(screen.getByTestId('copy-code'));
    expect(host.copyText).toHaveBeenCalledWith('const a: number = 1;');
    await screen.findByText('Copied');
    const wrap = screen.getByRole('button', { name: 'Wrap' });
    fireEvent.click(wrap);
    expect(container.querySelector('pre')?.className).toContain('cf-code-wrap');
    await waitFor(() => expect(screen.getByTestId('code-block').dataset.highlighted).toBe('true'), {
      timeout: 10_000,
    });
    expect(container.querySelector('pre span[style]')).not.toBeNull();
  });
});
