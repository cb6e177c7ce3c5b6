import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../src/fixtures/index';
import { LlamaCppEngine } from '../src/index';
import { spawnNodeModelProcess } from '../src/llama/spawn-model-process';
import type { ChatMessage, SpawnModelProcess } from '../src/index';
import { collect } from './helpers';

const spawned: (number | undefined)[] = [];
const countingSpawn: SpawnModelProcess = (entry) => {
  const handle = spawnNodeModelProcess(entry);
  spawned.push(handle.pid);
  return handle;
};

/**
 * The engine prepares a chat's next turn once it has been idle for a moment after an
 * answer (a person reads before replying); this waits far longer than that moment.
 */
const readingPause = (): Promise<void> => sleep(1000);

/** Tokens of template text in the fixture: one per ChatML marker, one per other byte. */
function fixtureTokens(text: string): number {
  const markers = text.match(/<\|im_(start|end)\|>/g)?.length ?? 0;
  return markers + Buffer.byteLength(text.replace(/<\|im_(start|end)\|>/g, ''));
}

describe('LlamaCppEngine on the tiny model', () => {
  const engine = new LlamaCppEngine({ gpu: false, spawn: countingSpawn });
  let modelPath = '';

  beforeAll(async () => {
    modelPath = await ensureTinyModel();
    await engine.load(
      { id: 'tiny', path: modelPath },
      // A context large enough that a stopped or killed generation is still running
      // when the stop or the kill arrives, even on a loaded machine.
      { contextSize: 4096, threads: 1, sequences: 2 },
    );
  }, 60_000);
  afterAll(() => engine.dispose());

  it('reports the CPU backend, the loaded model and its context size', async () => {
    const info = await engine.info();
    expect(info).toMatchObject({
      engine: 'llama.cpp',
      backend: 'cpu',
      gpuName: null,
      model: { id: 'tiny', path: modelPath },
      contextSize: 4096,
    });
    expect(await engine.processId()).toBe(spawned.at(-1));
    expect(await engine.processId()).not.toBe(process.pid);
  });

  it('streams deltas that add up to the done counts', async () => {
    const result = await collect(
      engine.chat([{ role: 'user', content: 'hi' }], { maxTokens: 24, temperature: 0 }),
    );
    expect(result.deltas).toBeGreaterThan(0);
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.end).toMatchObject({ type: 'done', stopReason: 'max-tokens' });
    if (result.end?.type !== 'done') throw new Error('expected done');
    expect(result.end.tokens).toBe(24);
    expect(result.end.promptTokens).toBeGreaterThan(2);
    expect(result.end.tokensPerSecond).toBeGreaterThan(0);
  });

  it('counts every token of an answer cut at its limit, also when the last is half a character', async () => {
    // Sampled at temperature 1 the tiny model now and then ends on a byte that begins a UTF-8
    // character (seeds 7, 26, 37 and 38 here), which node-llama-cpp holds back and drops.
    const short: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const { end } = await collect(
        engine.chat([{ role: 'user', content: 'hi' }], { maxTokens: 16, temperature: 1, seed }),
      );
      if (end?.type !== 'done' || end.tokens !== 16) short.push(seed);
    }
    expect(short).toEqual([]);
  });

  it("counts a conversation's tokens exactly as the chat evaluates them", async () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What does `x ?? y` do?' },
      { role: 'assistant', content: 'It returns y when x is null or undefined.' },
      { role: 'user', content: 'And `x || y`? ünïcode costs bytes' },
    ];
    const count = await engine.countTokens(messages);
    expect(count.exact).toBe(true);
    // The fixture's vocabulary is bytes plus the ChatML markers: a message costs its bytes and
    // its markup (<|im_start|>role\n … <|im_end|>\n).
    expect(count.messages[3]).toBe(
      fixtureTokens(`<|im_start|>user\n${messages[3]?.content}<|im_end|>\n`),
    );
    const result = await collect(engine.chat(messages, { maxTokens: 1, temperature: 0 }));
    if (result.end?.type !== 'done') throw new Error('expected done');
    const counted = count.messages.reduce((sum, tokens) => sum + tokens, count.fixedTokens);
    expect(counted).toBe(result.end.promptTokens);
  });

  it('is deterministic under greedy sampling', async () => {
    const ask = (): Promise<string> =>
      collect(
        engine.chat([{ role: 'user', content: 'same' }], { maxTokens: 20, temperature: 0 }),
      ).then((r) => r.text);
    expect(await ask()).toBe(await ask());
  });

  it('evaluates only the new tokens of a follow-up turn in the same chat', async () => {
    const first: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'write a loop' },
    ];
    const one = await collect(engine.chat(first, { chatId: 'kv', maxTokens: 16, temperature: 0 }));
    if (one.end?.type !== 'done') throw new Error('expected done');
    expect(one.end.reusedTokens).toBe(0);
    await readingPause();
    const followUp: ChatMessage[] = [
      ...first,
      { role: 'assistant', content: one.text },
      { role: 'user', content: 'shorter' },
    ];
    const two = await collect(
      engine.chat(followUp, { chatId: 'kv', maxTokens: 16, temperature: 0 }),
    );
    if (two.end?.type !== 'done') throw new Error('expected done');
    // The whole first turn is cached, and so (evaluated while the engine waited for
    // this turn) are the end of the answer's turn and the next user turn's header.
    // What is new is the message and the reply header: each ChatML marker is one
    // token in the fixture, any other text one token per byte.
    const prepared = '<|im_end|>\n<|im_start|>user\n';
    const newText = 'shorter<|im_end|>\n<|im_start|>assistant\n';
    expect(two.end.reusedTokens).toBe(one.end.promptTokens + 16 + fixtureTokens(prepared));
    expect(two.end.promptTokens - two.end.reusedTokens).toBe(fixtureTokens(newText));
  });

  it('answers a prepared follow-up exactly as a cold chat does', async () => {
    const first: ChatMessage[] = [{ role: 'user', content: 'sort a list' }];
    const one = await collect(
      engine.chat(first, { chatId: 'warm', maxTokens: 12, temperature: 0 }),
    );
    await readingPause();
    const followUp: ChatMessage[] = [
      ...first,
      { role: 'assistant', content: one.text },
      { role: 'user', content: 'in place' },
    ];
    const warm = await collect(
      engine.chat(followUp, { chatId: 'warm', maxTokens: 24, temperature: 0 }),
    );
    const cold = await collect(
      engine.chat(followUp, { chatId: 'cold', maxTokens: 24, temperature: 0 }),
    );
    if (warm.end?.type !== 'done' || cold.end?.type !== 'done') throw new Error('expected done');
    expect(cold.end.reusedTokens).toBe(0);
    expect(warm.end.promptTokens - warm.end.reusedTokens).toBe(
      fixtureTokens('in place<|im_end|>\n<|im_start|>assistant\n'),
    );
    expect(warm.text).toBe(cold.text);
    expect(warm.end.tokens).toBe(cold.end.tokens);
  });

  it('prefills a draft as it is typed, so the sent turn evaluates one token and answers as a cold chat does', async () => {
    const first: ChatMessage[] = [{ role: 'user', content: 'parse json' }];
    const one = await collect(
      engine.chat(first, { chatId: 'draft', maxTokens: 12, temperature: 0 }),
    );
    const draft = (content: string): ChatMessage[] => [
      ...first,
      { role: 'assistant', content: one.text },
      { role: 'user', content },
    ];
    expect(await engine.prefill(draft('with erro'), { chatId: 'draft' })).toBeGreaterThan(0);
    // Typing on keeps what matches and evaluates from where the drafts differ; the prompt's
    // last token is left for the chat, which needs its logits to sample the first answer token.
    expect(await engine.prefill(draft('with errors'), { chatId: 'draft' })).toBe(
      fixtureTokens('rs<|im_end|>\n<|im_start|>assistant\n') - 1,
    );
    expect(await engine.prefill(draft('with errors'), { chatId: 'draft' })).toBe(0);

    const sent = await collect(
      engine.chat(draft('with errors'), { chatId: 'draft', maxTokens: 24, temperature: 0 }),
    );
    const cold = await collect(
      engine.chat(draft('with errors'), { chatId: 'draft-cold', maxTokens: 24, temperature: 0 }),
    );
    if (sent.end?.type !== 'done' || cold.end?.type !== 'done') throw new Error('expected done');
    expect(sent.end.promptTokens - sent.end.reusedTokens).toBe(1);
    expect(cold.end.reusedTokens).toBe(0);
    expect(sent.text).toBe(cold.text);
  });

  it('sends a message other than the prefilled draft as if nothing was prefilled', async () => {
    const draft: ChatMessage[] = [{ role: 'user', content: 'rename the variable' }];
    const sentMessages: ChatMessage[] = [{ role: 'user', content: 'rename it' }];
    await engine.prefill(draft, { chatId: 'changed' });
    const sent = await collect(
      engine.chat(sentMessages, { chatId: 'changed', maxTokens: 16, temperature: 0 }),
    );
    const cold = await collect(
      engine.chat(sentMessages, { chatId: 'changed-cold', maxTokens: 16, temperature: 0 }),
    );
    if (sent.end?.type !== 'done') throw new Error('expected done');
    // Only the template's start and `rename ` are shared with the draft.
    expect(sent.end.promptTokens - sent.end.reusedTokens).toBe(
      fixtureTokens('it<|im_end|>\n<|im_start|>assistant\n'),
    );
    expect(sent.text).toBe(cold.text);
  });

  it('refuses a prefill with bad input or without a chat id', async () => {
    await expect(engine.prefill([], { chatId: 'x' })).rejects.toMatchObject({
      code: 'invalid-params',
    });
    await expect(
      engine.prefill([{ role: 'user', content: 'a' }], { chatId: '', temperature: Number.NaN }),
    ).rejects.toMatchObject({ code: 'invalid-params' });
  });

  it('evicts the least recently used chat when sequences run short', async () => {
    const turn = (chatId: string) =>
      collect(
        engine.chat([{ role: 'user', content: `topic ${chatId}` }], {
          chatId,
          maxTokens: 4,
          temperature: 0,
        }),
      ).then((r) => (r.end?.type === 'done' ? r.end.reusedTokens : -1));
    expect(await turn('a')).toBe(0);
    expect(await turn('a')).toBeGreaterThan(0);
    // Two sequences: "b" takes the second, "c" evicts "a" (least recently used).
    await turn('b');
    await turn('c');
    expect(await turn('c')).toBeGreaterThan(0);
    expect(await turn('a')).toBe(0);
  });

  it('stops when the signal aborts and keeps the partial answer', async () => {
    const controller = new AbortController();
    const result = await collect(
      engine.chat(
        [{ role: 'user', content: 'long' }],
        { maxTokens: 4000, temperature: 0 },
        controller.signal,
      ),
      (partial) => {
        if (partial.deltas === 2) controller.abort();
      },
    );
    expect(result.end).toMatchObject({ type: 'done', stopReason: 'aborted' });
    if (result.end?.type !== 'done') throw new Error('expected done');
    expect(result.end.tokens).toBeLessThan(4000);
    expect(result.end.tokens).toBeGreaterThanOrEqual(result.deltaTokens);
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('gives the same greedy output with prompt-lookup speculative decoding as without', async () => {
    const code = 'function add(a, b) {\n  return a + b;\n}\n';
    const messages: ChatMessage[] = [{ role: 'user', content: `Fix this:\n${code}` }];
    const plain = await collect(
      engine.chat(messages, { maxTokens: 48, temperature: 0, speculative: 'none' }),
    );
    const lookup = await collect(
      engine.chat(messages, { maxTokens: 48, temperature: 0, speculative: 'lookup' }),
    );
    expect(lookup.text).toBe(plain.text);
    expect(lookup.end).toMatchObject({ type: 'done', tokens: 48 });
  });

  it('refuses a prompt longer than the context instead of truncating it', async () => {
    const result = await collect(
      engine.chat([{ role: 'user', content: 'x'.repeat(4200) }], { maxTokens: 4 }),
    );
    expect(result.deltas).toBe(0);
    expect(result.end).toMatchObject({ type: 'error', code: 'context-overflow' });
    expect(result.end?.type === 'error' && result.end.message).toMatch(/context holds 4096/);
  });

  it('stops at the end of the context when the answer would not fit', async () => {
    const result = await collect(
      engine.chat([{ role: 'user', content: 'y'.repeat(3900) }], {
        maxTokens: 400,
        temperature: 0,
      }),
    );
    if (result.end?.type !== 'done') throw new Error('expected done');
    expect(result.end.stopReason).toBe('max-tokens');
    expect(result.end.promptTokens + result.end.tokens).toBeLessThanOrEqual(4096);
  });

  it('embeds texts with the loaded model', async () => {
    const vectors = await engine.embed(['alpha', 'beta', 'alpha']);
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toHaveLength(64);
    expect(vectors[0]).toEqual(vectors[2]);
    expect(vectors[0]).not.toEqual(vectors[1]);
  });

  it('turns a NaN temperature into an error event', async () => {
    const result = await collect(
      engine.chat([{ role: 'user', content: 'x' }], { temperature: Number.NaN }),
    );
    expect(result.end).toMatchObject({ type: 'error', code: 'invalid-params' });
    expect(result.end?.type === 'error' && result.end.message).toContain('temperature');
  });

  it('survives the model process dying mid-generation and starts a fresh one', async () => {
    const pid = await engine.processId();
    if (pid === undefined) throw new Error('no model process');
    const crashed = await collect(
      engine.chat([{ role: 'user', content: 'crash' }], { maxTokens: 4000, temperature: 0 }),
      (partial) => {
        if (partial.deltas === 1) process.kill(pid, 'SIGKILL');
      },
    );
    expect(crashed.end).toMatchObject({ type: 'error', code: 'process-crashed' });
    expect(crashed.end?.type === 'error' && crashed.end.message).toMatch(/SIGKILL.*memory/);
    const after = await collect(
      engine.chat([{ role: 'user', content: 'again' }], { maxTokens: 8, temperature: 0 }),
    );
    expect(after.end).toMatchObject({ type: 'done', tokens: 8 });
    const newPid = await engine.processId();
    expect(newPid).not.toBe(pid);
    expect(spawned).toContain(newPid);
    expect((await engine.info()).model?.id).toBe('tiny');
  }, 60_000);

  it('starts one process, not one per caller, when requests arrive together after a crash', async () => {
    const pid = await engine.processId();
    if (pid === undefined) throw new Error('no model process');
    process.kill(pid, 'SIGKILL');
    // Wait until the engine has seen the exit, so every request below needs a new process.
    while ((await engine.processId()) !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const before = spawned.length;
    const [info, answer] = await Promise.all([
      engine.info(),
      collect(engine.chat([{ role: 'user', content: 'together' }], { maxTokens: 4 })),
      engine.info(),
    ]);
    expect(info.model?.id).toBe('tiny');
    expect(answer.end).toMatchObject({ type: 'done', tokens: 4 });
    expect(spawned.length).toBe(before + 1);
  }, 60_000);
});
