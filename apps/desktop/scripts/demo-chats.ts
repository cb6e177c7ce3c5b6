/**
 * A realistic conversation for screenshots, in the JSON export format, so it enters the
 * database through the app's own import.
 */

const t0 = Date.UTC(2026, 10, 20, 9, 30);

const question = `Why does this TypeScript debounce lose the last call when I unmount?

\`\`\`ts
export function debounce<T extends unknown[]>(fn: (...args: T) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: T) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
\`\`\``;

const answerOne = `The timer is the only place the pending call lives, so when the component unmounts and you
clear it (or the page goes away), the **last call is dropped**. Nothing flushes it.

Give the debounced function a \`flush()\` and a \`cancel()\`:

\`\`\`ts
export function debounce<T extends unknown[]>(fn: (...args: T) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: T | undefined;
  const run = () => {
    timer = undefined;
    if (pending) fn(...pending);
    pending = undefined;
  };
  const debounced = (...args: T) => {
    pending = args;
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  debounced.flush = () => {
    clearTimeout(timer);
    run();
  };
  debounced.cancel = () => {
    clearTimeout(timer);
    pending = undefined;
  };
  return debounced;
}
\`\`\`

Then call \`save.flush()\` in the effect's cleanup. A quick comparison:

| Approach | Last call kept | Extra code |
| --- | --- | --- |
| \`clearTimeout\` on unmount | no | none |
| \`flush()\` on unmount | yes | 10 lines |
| \`lodash.debounce\` | yes, with \`flush\` | a dependency |

See the [MDN page on setTimeout](https://developer.mozilla.org/docs/Web/API/setTimeout) for timer details.`;

const answerTwo = `Because unmounting clears the timer before it fires. Add a \`flush()\` that runs the pending
call at once, and call it from your cleanup.`;

const followUp = 'Can you write a vitest test for flush()?';

const answerThree = `Sure — with fake timers, so the test does not wait:

\`\`\`ts
import { describe, expect, it, vi } from 'vitest';
import { debounce } from './debounce';

describe('debounce', () => {
  it('runs the pending call at once on flush', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const save = debounce(fn, 500);
    save('draft');
    save.flush();
    expect(fn).toHaveBeenCalledWith('draft');
    vi.runAllTimers();
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
\`\`\`

1. \`vi.useFakeTimers()\` replaces \`setTimeout\`.
2. \`flush()\` runs the call synchronously.
3. \`runAllTimers()\` proves nothing runs twice.`;

type DemoMessage = {
  id: string;
  parentId: string | null;
  role: 'user' | 'assistant';
  content: string;
  minutes: number;
  stats?: [number, number, number];
};

function chat(options: {
  id: string;
  title: string;
  minutes: number;
  pinned?: boolean;
  messages: DemoMessage[];
}) {
  return {
    chat: {
      id: options.id,
      title: options.title,
      model: 'qwen2.5-coder-7b-instruct-q4_k_m',
      preset: null,
      systemPrompt: null,
      source: 'chat' as const,
      pinned: options.pinned ?? false,
      archived: false,
      createdAt: t0 + options.minutes * 60_000,
      updatedAt: t0 + options.minutes * 60_000,
    },
    messages: options.messages.map((m) => ({
      id: m.id,
      chatId: options.id,
      parentId: m.parentId,
      role: m.role,
      content: m.content,
      status: 'done' as const,
      model: m.role === 'assistant' ? 'qwen2.5-coder-7b-instruct-q4_k_m' : null,
      completionTokens: m.stats?.[0] ?? null,
      timeToFirstTokenMs: m.stats?.[1] ?? null,
      tokensPerSecond: m.stats?.[2] ?? null,
      stopReason: m.role === 'assistant' ? ('eos' as const) : null,
      createdAt: t0 + m.minutes * 60_000,
    })),
  };
}

const short = (options: { id: string; title: string; minutes: number; text: string }) => {
  const { id, minutes } = options;
  return chat({
    ...options,
    messages: [
      { id: `${id}-q`, parentId: null, role: 'user', content: options.text, minutes },
      {
        id: `${id}-a`,
        parentId: `${id}-q`,
        role: 'assistant',
        content: 'Use a `Map` keyed by id, then read it back in insertion order.',
        minutes: minutes + 1,
        stats: [18, 140, 41.2],
      },
    ],
  });
};

export function demoExport(): string {
  return JSON.stringify({
    format: 'codeface.chats',
    version: 2,
    exportedAt: t0,
    chats: [
      short({
        id: 'demo-sql',
        title: 'Postgres upsert returning ids',
        minutes: 10,
        text: 'How do I upsert and get ids back?',
      }),
      short({
        id: 'demo-rust',
        title: 'Borrow checker in a loop',
        minutes: 20,
        text: 'Why can I not push while iterating?',
      }),
      short({
        id: 'demo-css',
        title: 'Grid that collapses at 360px',
        minutes: 30,
        text: 'Make this grid one column on phones.',
      }),
      chat({
        id: 'demo-debounce',
        title: 'Debounce loses the last call',
        minutes: 60,
        messages: [
          { id: 'd-q', parentId: null, role: 'user', content: question, minutes: 60 },
          {
            id: 'd-a2',
            parentId: 'd-q',
            role: 'assistant',
            content: answerTwo,
            minutes: 61,
            stats: [38, 150, 44.8],
          },
          {
            id: 'd-a1',
            parentId: 'd-q',
            role: 'assistant',
            content: answerOne,
            minutes: 62,
            stats: [412, 182, 47.3],
          },
          { id: 'd-q2', parentId: 'd-a1', role: 'user', content: followUp, minutes: 63 },
          {
            id: 'd-a3',
            parentId: 'd-q2',
            role: 'assistant',
            content: answerThree,
            minutes: 64,
            stats: [236, 171, 46.1],
          },
        ],
      }),
    ],
  });
}
