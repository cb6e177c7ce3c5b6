import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodeToFileDialog, type CodeFilePreview } from './CodeToFileDialog';

afterEach(cleanup);

const existing: CodeFilePreview = {
  shown: 'src/util.ts',
  exists: true,
  before: 'a\nold\n',
  after: 'a\nnew\n',
};

const settle = () => act(() => Promise.resolve());

describe('the code-to-file dialog', () => {
  it('previews a picked file at once and writes it with Ctrl+Enter', async () => {
    const preview = vi.fn(() => Promise.resolve(existing));
    const write = vi.fn(() => Promise.resolve());
    const onClose = vi.fn();
    render(
      <CodeToFileDialog
        mode="apply"
        source={{ kind: 'picked' }}
        preview={preview}
        write={write}
        browse={vi.fn()}
        onOpenSettings={vi.fn()}
        onClose={onClose}
      />,
    );
    await settle();
    expect(preview).toHaveBeenCalledWith(null);
    expect(screen.getByTestId('diff-summary').textContent).toMatch(/src\/util\.ts \+1 −1/);
    // The keyboard is on the write button once the diff is there.
    expect(document.activeElement).toBe(screen.getByTestId('code-file-write'));
    fireEvent.keyDown(screen.getByTestId('code-file-write'), { key: 'Enter', ctrlKey: true });
    await settle();
    expect(write).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalled();
  });

  it('keeps the dialog open with the sentence when the write is refused, and Escape closes it', async () => {
    const write = vi.fn(() =>
      Promise.reject(new Error('src/util.ts changed since the preview: look again.')),
    );
    const onClose = vi.fn();
    render(
      <CodeToFileDialog
        mode="save"
        source={{ kind: 'typed', workspace: '/home/me/p', suggestedPath: 'src/util.ts' }}
        preview={() => Promise.resolve(existing)}
        write={write}
        browse={vi.fn()}
        onOpenSettings={vi.fn()}
        onClose={onClose}
      />,
    );
    await settle();
    // Save as… onto a file that exists says it replaces it.
    expect(screen.getByRole('note').textContent).toMatch(/already exists: saving replaces it/);
    fireEvent.click(screen.getByTestId('code-file-write'));
    await settle();
    expect(screen.getByTestId('code-file-problem').textContent).toBe(
      'src/util.ts changed since the preview: look again.',
    );
    expect(onClose).not.toHaveBeenCalled();
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });

  it('sends the person to Settings when there is no workspace folder', () => {
    const onOpenSettings = vi.fn();
    render(
      <CodeToFileDialog
        mode="save"
        source={{ kind: 'typed', workspace: null, suggestedPath: 'src/app.ts' }}
        preview={vi.fn()}
        write={vi.fn()}
        browse={vi.fn()}
        onOpenSettings={onOpenSettings}
        onClose={vi.fn()}
      />,
    );
    expect(screen.queryByTestId('code-file-path')).toBeNull();
    expect(screen.getByTestId('code-file-write')).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('button', { name: 'Open Settings' }));
    expect(onOpenSettings).toHaveBeenCalled();
  });
});
