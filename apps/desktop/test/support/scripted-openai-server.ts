import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedRequest = {
  model: string;
  messages: { role: string; content: string }[];
  authorization: string | undefined;
};

export type ScriptedOpenAIServer = {
  /** `http://127.0.0.1:<port>`, without the `/v1` a person may leave out too. */
  origin: string;
  /** The chat requests received, oldest first. */
  chats: ScriptedRequest[];
  /** How many streamed answers the client hung up on before they ended. */
  hangUps(): number;
  close(): Promise<void>;
};

export type ScriptedModel = { id: string; contextLength?: number };

/**
 * A small OpenAI-compatible server that plays a remote model server (Ollama, LM Studio, vLLM) in
 * tests: it lists the given models and streams `answer(request)` word by word, one word every
 * `wordMs`, as `chat.completion.chunk`s. With `apiKey` it wants that bearer token, as a
 * hosted server does.
 */
export async function startScriptedOpenAIServer(options: {
  models: ScriptedModel[];
  answer: (request: ScriptedRequest) => string;
  apiKey?: string;
  wordMs?: number;
}): Promise<ScriptedOpenAIServer> {
  const chats: ScriptedRequest[] = [];
  let hangUps = 0;
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: 'Invalid API key', type: 'auth' } }));
        return;
      }
      if (request.method === 'GET' && request.url === '/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            object: 'list',
            data: options.models.map((model) => ({
              id: model.id,
              object: 'model',
              owned_by: 'scripted',
              ...(model.contextLength ? { max_model_len: model.contextLength } : {}),
            })),
          }),
        );
        return;
      }
      if (request.method === 'POST' && request.url === '/v1/chat/completions') {
        const body = JSON.parse(await readText(request)) as Omit<ScriptedRequest, 'authorization'>;
        const scripted = { ...body, authorization: request.headers.authorization };
        chats.push(scripted);
        const words = options.answer(scripted).split(/(?<= )/);
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: object, finish: string | null) =>
          `data: ${JSON.stringify({
            id: 'chatcmpl-scripted',
            object: 'chat.completion.chunk',
            created: 0,
            model: body.model,
            choices: [{ index: 0, delta, finish_reason: finish }],
          })}\n\n`;
        response.write(chunk({ role: 'assistant', content: '' }, null));
        for (const word of words) {
          if (response.destroyed) {
            hangUps++;
            return;
          }
          response.write(chunk({ content: word }, null));
          await new Promise((resolve) => setTimeout(resolve, options.wordMs ?? 5));
        }
        response.write(chunk({}, 'stop'));
        response.end('data: [DONE]\n\n');
        return;
      }
      response.writeHead(404).end('Not Found');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    chats,
    hangUps: () => hangUps,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readText(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}
