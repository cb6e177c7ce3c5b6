import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Preset } from '../types';
import { PresetSettings, validatePreset } from './PresetSettings';

afterEach(cleanup);

const builtin: Preset = {
  id: 'explain',
  name: 'Explain',
  systemPrompt: 'Explain the code.',
  maxAnswerTokens: null,
  builtin: true,
};
const own: Preset = {
  id: 'p1',
  name: 'Reviewer',
  systemPrompt: 'Review strictly.',
  maxAnswerTokens: 400,
  builtin: false,
};

describe('validatePreset', () => {
  it('says what is wrong with each field, in a sentence', () => {
    expect(validatePreset({ name: ' ', systemPrompt: '', maxAnswerTokens: '3' }).problems).toEqual({
      name: 'Give the preset a name.',
      systemPrompt: 'Write the system prompt: what the model should be told first.',
      maxAnswerTokens: 'Maximum answer length must be between 16 and 131,072.',
    });
    expect(
      validatePreset({
        name: 'x'.repeat(61),
        systemPrompt: 'p'.repeat(20_001),
        maxAnswerTokens: '',
      }).problems,
    ).toEqual({
      name: 'A preset name can be at most 60 characters.',
      systemPrompt: 'A system prompt can be at most 20,000 characters.',
    });
    expect(
      validatePreset({ name: ' Tests ', systemPrompt: 'Write tests.', maxAnswerTokens: '' }),
    ).toEqual({
      preset: { name: 'Tests', systemPrompt: 'Write tests.', maxAnswerTokens: null },
      problems: null,
    });
  });
});

describe('PresetSettings', () => {
  it('creates a preset from the keyboard: the form takes focus, Enter saves, focus comes back', async () => {
    const save = vi.fn(() => Promise.resolve());
    render(<PresetSettings presets={[builtin]} actions={{ save, delete: vi.fn() }} />);
    // A built-in preset is shown, not edited.
    expect(screen.getByTestId('preset-builtin').textContent).toContain('Built-in');
    expect(screen.queryByTestId('preset-editor')).toBeNull();

    fireEvent.click(screen.getByTestId('new-preset'));
    const name = screen.getByTestId('preset-name');
    expect(document.activeElement).toBe(name);
    fireEvent.submit(name);
    expect(await screen.findByText('Give the preset a name.')).toBeTruthy();
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(save).not.toHaveBeenCalled();

    fireEvent.change(name, { target: { value: 'Tests' } });
    fireEvent.change(screen.getByTestId('preset-prompt'), { target: { value: 'Write tests.' } });
    fireEvent.change(screen.getByTestId('preset-max-answer-tokens'), { target: { value: '300' } });
    fireEvent.submit(name);
    expect(save).toHaveBeenCalledWith({
      name: 'Tests',
      systemPrompt: 'Write tests.',
      maxAnswerTokens: 300,
    });
    await waitFor(() => expect(screen.queryByTestId('new-preset-form')).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('new-preset')));
  });

  it('closes a new preset on Esc without saving', () => {
    const save = vi.fn(() => Promise.resolve());
    render(<PresetSettings presets={[]} actions={{ save, delete: vi.fn() }} />);
    fireEvent.click(screen.getByTestId('new-preset'));
    fireEvent.keyDown(screen.getByTestId('preset-name'), { key: 'Escape' });
    expect(screen.queryByTestId('new-preset-form')).toBeNull();
    expect(save).not.toHaveBeenCalled();
  });

  it('edits one of the person’s presets, and shows the app’s refusal in words', async () => {
    const save = vi
      .fn()
      .mockRejectedValueOnce(new Error('That preset no longer exists.'))
      .mockResolvedValue(undefined);
    render(<PresetSettings presets={[own]} actions={{ save, delete: vi.fn() }} />);
    const editor = screen.getByTestId('preset-editor');
    const saveButton = within(editor).getByTestId<HTMLButtonElement>('preset-save');
    expect(saveButton.disabled).toBe(true);
    fireEvent.change(within(editor).getByTestId('preset-max-answer-tokens'), {
      target: { value: '' },
    });
    expect(saveButton.disabled).toBe(false);
    fireEvent.click(saveButton);
    expect(await screen.findByText('That preset no longer exists.')).toBeTruthy();
    fireEvent.click(saveButton);
    expect(save).toHaveBeenLastCalledWith({
      id: 'p1',
      name: 'Reviewer',
      systemPrompt: 'Review strictly.',
      maxAnswerTokens: null,
    });
    expect(await screen.findByText('Saved.')).toBeTruthy();
  });

  it('asks before deleting; Esc keeps the preset', async () => {
    const remove = vi.fn(() => Promise.resolve());
    render(<PresetSettings presets={[own]} actions={{ save: vi.fn(), delete: remove }} />);
    fireEvent.click(screen.getByTestId('preset-delete'));
    const confirm = screen.getByRole('alertdialog', { name: 'Delete Reviewer?' });
    // Focus starts on the safe choice.
    expect(document.activeElement?.textContent).toBe('Keep it');
    fireEvent.keyDown(confirm, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(remove).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('preset-delete'));
    fireEvent.click(screen.getByTestId('preset-delete-confirm'));
    expect(remove).toHaveBeenCalledWith('p1');
  });
});
