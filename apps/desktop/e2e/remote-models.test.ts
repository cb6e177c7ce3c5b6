import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedOpenAIServer } from '../test/support/scripted-openai-server';
import type { ScriptedOpenAIServer } from '../test/support/scripted-openai-server';
import { useChromium, withAppSession } from './support/app-session';

const API_KEY = 'sk-e2e-remote-key-42';

describe('a model on a remote server, in Chromium through the web host', () => {
  const chromium = useChromium();
  let remote: ScriptedOpenAIServer;
  beforeAll(async () => {
    remote = await startScriptedOpenAIServer({
      apiKey: API_KEY,
      models: [{ id: 'qwen2.5-coder:7b', contextLength: 32768 }],
      // A long answer for the message that asks for one, so it can be stopped half-way.
      answer: (request) =>
        request.messages.at(-1)?.content.includes('long')
          ? 'tick '.repeat(300)
          : `The remote model says hello to ${request.messages.length} messages.`,
      wordMs: 15,
    });
  }, 60_000);
  afterAll(async () => {
    await remote.close();
  });

  it('adds a server from the first-run screen, chats, stops, searches and quick-asks with it', async () => {
    const remoteHost = new URL(remote.origin).host;
    await withAppSession(chromium.browser, {}, async ({ host, page, app }) => {
      await expect
        .poll(() => page.getByTestId('privacy-statement').innerText())
        .toMatch(/unless you choose a model on another machine/);
      await page.getByTestId('first-run-remote').click();
      await page.getByTestId('models-screen').waitFor();

      // Test connection says what is wrong, in a sentence, then lists the models.
      await app.models.fillRemoteServer({ url: remote.origin, apiKey: 'wrong-key' });
      expect(await app.models.testRemoteServer()).toMatch(/refused the API key \(HTTP 401\)/);
      await app.models.fillRemoteServer({ url: remote.origin, apiKey: API_KEY });
      expect(await app.models.testRemoteServer()).toBe('Connected. One model: qwen2.5-coder:7b.');
      await app.models.addRemoteServer();

      const model = app.models.remoteModels().filter({ hasText: 'qwen2.5-coder:7b' });
      await expect.poll(() => model.innerText()).toContain(`Remote · ${remoteHost}`);
      await app.models.useRemote('qwen2.5-coder:7b');
      await expect
        .poll(() => page.getByTestId('loaded-model').innerText())
        .toBe(`qwen2.5-coder:7b (remote, on ${remoteHost})`);

      // A chat with a preset: the server gets the preset's system prompt and the question.
      await app.newChat();
      await page.getByTestId('preset-review').click();
      await app.chat.send('Is this loop right?');
      await app.chat.waitForIdle();
      // waitForIdle can return before the answer starts, so the poll waits for its text.
      await expect
        .poll(() => app.chat.lastAssistant().innerText(), { timeout: 20_000 })
        .toContain('The remote model says hello to 2 messages.');
      expect(remote.chats.at(-1)?.messages.map((m) => m.role)).toEqual(['system', 'user']);
      // The context meter counts against the server's context length, with the documented
      // estimate: the server's tokenizer is out of reach.
      await expect
        .poll(() => page.getByTestId('context-meter').getAttribute('title'))
        .toMatch(/^about [\d,]+ of 32,768 tokens;.*estimated/);

      // Stop half-way: the answer keeps what came and says it was stopped.
      await app.chat.send('Write something long');
      await app.chat.waitForStreamingText();
      await app.chat.stop();
      await app.chat.waitForIdle();
      expect(await app.chat.lastAssistant().getAttribute('data-status')).toBe('interrupted');
      await expect.poll(() => remote.hangUps()).toBe(1);

      await app.search('remote model says hello');
      await expect.poll(() => app.searchHits().count()).toBe(1);

      // The quick-ask window uses the same loaded model.
      await page.goto(new URL('quick-ask.html', host.url).toString());
      await page.getByTestId('quick-ask-input').fill('Quick one');
      await page.getByTestId('quick-ask-input').press('Enter');
      await expect
        .poll(() => page.getByTestId('quick-ask-answer').innerText(), { timeout: 20_000 })
        .toContain('The remote model says hello');
      expect(remote.chats.at(-1)?.authorization).toBe(`Bearer ${API_KEY}`);
    });
  }, 120_000);
});
