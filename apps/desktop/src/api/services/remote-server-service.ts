import type { z } from 'zod';
import { AppError } from '../errors';
import { remoteServerSchema } from '../schemas';
import type { RemoteServer, RemoteServerInput, RemoteServerModels } from '../schemas';
import type { SecretStore } from '../secret-store';
import type {
  ChatEngine,
  DocumentStore,
  RemoteServerAddress,
  RemoteServerConnection,
} from './ports';

/** The context length assumed for a remote model whose server does not report one. */
export const DEFAULT_REMOTE_CONTEXT_SIZE = 8192;

const REMOTE_SERVERS_DOCUMENT = 'remote-servers';
const REMOTE_MODEL_PREFIX = 'remote:';

/** What the data folder keeps of a server; its host is worked out and its key is a secret. */
const storedServerSchema = remoteServerSchema.pick({ id: true, baseUrl: true, contextSize: true });
type StoredServer = z.infer<typeof storedServerSchema>;

/** Lists a server's models; throws an error whose message says what failed, in a sentence. */
export type ListRemoteModels = (
  server: RemoteServerAddress,
) => Promise<{ name: string; contextLength: number | null }[]>;

/**
 * The OpenAI-compatible servers on other machines that the person added (Ollama, LM Studio,
 * llama.cpp's server, vLLM, …). The list is a document of this device (a server's address
 * belongs to the machine, so it does not sync); each API key is in the secret store.
 */
export class RemoteServerService {
  constructor(
    private readonly deps: {
      documents: DocumentStore;
      secrets: SecretStore;
      engine: ChatEngine;
      listModels: ListRemoteModels;
      newId: () => string;
    },
  ) {}

  list(): RemoteServer[] {
    return this.stored().map((server) => this.describe(server));
  }

  /** Tries the address and key; resolves to the models it lists, or says what failed. */
  async test(input: RemoteServerInput): Promise<{ baseUrl: string; models: string[] }> {
    const baseUrl = apiBaseUrl(input.url);
    const models = await this.listOrExplain({ baseUrl, apiKey: input.apiKey || null });
    return { baseUrl, models: models.map((model) => model.name) };
  }

  /** Adds a server after checking it answers; the same address again replaces its key. */
  async add(input: RemoteServerInput): Promise<RemoteServer> {
    const { baseUrl } = await this.test(input);
    const servers = this.stored();
    const existing = servers.find((server) => server.baseUrl === baseUrl);
    const server: StoredServer = {
      id: existing?.id ?? this.deps.newId(),
      baseUrl,
      contextSize: input.contextSize ?? null,
    };
    if (input.apiKey) this.deps.secrets.set(apiKeySecret(server.id), input.apiKey);
    else this.deps.secrets.delete(apiKeySecret(server.id));
    this.deps.documents.write(REMOTE_SERVERS_DOCUMENT, [
      ...servers.filter((other) => other.id !== server.id),
      server,
    ]);
    return this.describe(server);
  }

  /** Forgets a server and its key; a model of it that is loaded is unloaded first. */
  async remove(serverId: string): Promise<void> {
    this.find(serverId);
    const loaded = parseRemoteModelId(this.deps.engine.loadedModelId() ?? '');
    if (loaded?.serverId === serverId) await this.deps.engine.unload();
    this.deps.documents.write(
      REMOTE_SERVERS_DOCUMENT,
      this.stored().filter((server) => server.id !== serverId),
    );
    this.deps.secrets.delete(apiKeySecret(serverId));
  }

  /** Every server's models, asked of all servers at once. */
  models(): Promise<RemoteServerModels[]> {
    return Promise.all(
      this.stored().map(async (stored) => {
        const server = this.describe(stored);
        try {
          const listed = await this.listOrExplain(this.address(stored));
          const models = listed.map((model) => ({
            id: `${REMOTE_MODEL_PREFIX}${server.id}:${model.name}`,
            name: model.name,
            serverId: server.id,
            host: server.host,
            contextLength: model.contextLength,
          }));
          return { server, models, error: null };
        } catch (error) {
          return { server, models: [], error: error instanceof Error ? error.message : null };
        }
      }),
    );
  }

  /** How to reach the server of a remote model id, or null for a local model's id. */
  connectionFor(modelId: string): { name: string; server: RemoteServerConnection } | null {
    const parsed = parseRemoteModelId(modelId);
    if (parsed === null) return null;
    const stored = this.find(parsed.serverId);
    return {
      name: parsed.name,
      server: {
        ...this.address(stored),
        contextSize: stored.contextSize ?? DEFAULT_REMOTE_CONTEXT_SIZE,
      },
    };
  }

  private async listOrExplain(server: RemoteServerAddress) {
    try {
      return await this.deps.listModels(server);
    } catch (error) {
      throw new AppError(
        'model-server-error',
        error instanceof Error ? error.message : 'The server could not be reached.',
        { baseUrl: server.baseUrl },
      );
    }
  }

  private address(server: StoredServer): RemoteServerAddress {
    return { baseUrl: server.baseUrl, apiKey: this.deps.secrets.get(apiKeySecret(server.id)) };
  }

  private find(serverId: string): StoredServer {
    const server = this.stored().find((candidate) => candidate.id === serverId);
    if (!server) {
      throw new AppError('model-not-found', 'That remote server was removed; add it again.', {
        serverId,
      });
    }
    return server;
  }

  private describe(server: StoredServer): RemoteServer {
    return {
      id: server.id,
      baseUrl: server.baseUrl,
      host: new URL(server.baseUrl).host,
      hasApiKey: this.deps.secrets.get(apiKeySecret(server.id)) !== null,
      contextSize: server.contextSize,
    };
  }

  private stored(): StoredServer[] {
    const parsed = storedServerSchema
      .array()
      .safeParse(this.deps.documents.read(REMOTE_SERVERS_DOCUMENT));
    return parsed.success ? parsed.data : [];
  }
}

function apiKeySecret(serverId: string): string {
  return `remote-server:${serverId}:api-key`;
}

/**
 * The API root for an address as people type it. Servers serve the OpenAI API under `/v1`
 * (Ollama, LM Studio, llama.cpp's server, vLLM), so an address with no path gets it; an address
 * with a path is taken as the API root it names.
 */
export function apiBaseUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  parsed.search = '';
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${path === '' ? '/v1' : path}`;
}

/** Remote model ids are `remote:<server id>:<the model's name on the server>`. */
export function parseRemoteModelId(modelId: string): { serverId: string; name: string } | null {
  if (!modelId.startsWith(REMOTE_MODEL_PREFIX)) return null;
  const rest = modelId.slice(REMOTE_MODEL_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return null;
  return { serverId: rest.slice(0, colon), name: rest.slice(colon + 1) };
}
