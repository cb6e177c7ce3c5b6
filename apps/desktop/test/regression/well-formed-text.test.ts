import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  removeTestHost,
  startTestHost,
  type TestClient,
  type TestHost,
} from '../support/test-host';

const text = 'a\uD800b\uDC00c\uD83D\uDE00';
const kept = 'a\uFFFDb\uFFFDc\uD83D\uDE00';

/**
 * Broke (issue 13, item 9): the app API returned text with an unpaired surrogate as it was sent
 * while the store kept something else. Now every procedure reads its input as well-formed text,
 * whatever the store behind it (the SQLite store, the presets' JSON files).
 */
describe('text sent to the app API', () => {
  let host: TestHost;
  let client: TestClient;
  beforeAll(async () => {
    host = await startTestHost();
    client = connectClient(host);
  }, 60_000);
  afterAll(async () => {
    await client.close();
    await removeTestHost(host);
  }, 30_000);

  it('is returned, read back and listed as it was kept', async () => {
    const chat = await client.api.chats.create.mutate({ title: text, systemPrompt: text });
    expect(chat).toMatchObject({ title: kept, systemPrompt: kept });
    const listed = (await client.api.chats.list.query({})).find((entry) => entry.id === chat.id);
    expect(listed).toMatchObject({ title: kept, systemPrompt: kept });

    const preset = await client.api.presets.save.mutate({ name: text, systemPrompt: text });
    expect(preset).toMatchObject({ name: kept, systemPrompt: kept });
    const presets = await client.api.presets.list.query();
    expect(presets.find((entry) => entry.id === preset.id)).toMatchObject({
      name: kept,
      systemPrompt: kept,
    });
  });
});
