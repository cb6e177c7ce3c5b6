import { apiServerSettingsSchema } from '@codeface/inference';
import type { ApiServerSettings } from '@codeface/inference';
import { AppError } from '../errors';
import type { SecretStore } from '../secret-store';
import type { DocumentStore } from './ports';

const LOCAL_API_DOCUMENT = 'local-api';
const TOKEN_SECRET = 'local-api:token';

/** The local API as the Settings screen shows it. */
export type LocalApiStatus = ApiServerSettings & {
  /** The base URL clients use, while it runs; null while it is off or could not start. */
  baseUrl: string | null;
  /** The API key clients send (`Authorization: Bearer …`). */
  token: string;
  /** The model name clients pass: the loaded model's id, or null with none loaded. */
  model: string | null;
  /** Why it is not running though it is on (its port was taken when the app started). */
  problem: string | null;
};

/** What the service needs from the layer below: a server over the loaded model, and its name. */
export type LocalApiHost = {
  /** Listens on 127.0.0.1:`port`; rejects with Node's error (`EADDRINUSE`, …) when it cannot. */
  start(options: { port: number; token: string }): Promise<{ url: string; close(): Promise<void> }>;
  /** The id under which the API serves the loaded model, or null with none loaded. */
  servedModelId(): Promise<string | null>;
};

/**
 * The OpenAI-compatible API on 127.0.0.1 that editors and tools use to reach the loaded model.
 * Off until the person turns it on; whether it is on and its port are a document of this device
 * (they do not sync), and its token is in the secret store.
 */
export class LocalApiService {
  private running: { port: number; url: string; close(): Promise<void> } | null = null;
  private problem: string | null = null;
  /** Changes run one after another, so two clicks never start two servers. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      documents: DocumentStore;
      secrets: SecretStore;
      host: LocalApiHost;
      newToken: () => string;
    },
  ) {}

  /** Starts the API at app start-up if the person left it on; a taken port is shown, not thrown. */
  resume(): Promise<void> {
    return this.serialize(async () => {
      const settings = this.settings();
      if (!settings.enabled) return;
      try {
        await this.listen(settings.port);
      } catch (error) {
        this.problem = error instanceof AppError ? error.message : null;
      }
    });
  }

  async status(): Promise<LocalApiStatus> {
    return {
      ...this.settings(),
      baseUrl: this.running?.url ?? null,
      token: this.token(),
      model: await this.deps.host.servedModelId(),
      problem: this.problem,
    };
  }

  /** Turns the API on at `port` (moving it if it runs elsewhere) or off; saved only on success. */
  configure(settings: ApiServerSettings): Promise<LocalApiStatus> {
    return this.serialize(async () => {
      if (settings.enabled) {
        if (this.running?.port !== settings.port) await this.listen(settings.port);
      } else {
        await this.stop();
      }
      this.problem = null;
      this.deps.documents.write(LOCAL_API_DOCUMENT, settings);
      return this.status();
    });
  }

  /** A new token; the old one stops working at once (the server restarts with the new one). */
  regenerateToken(): Promise<LocalApiStatus> {
    return this.serialize(async () => {
      this.deps.secrets.set(TOKEN_SECRET, this.deps.newToken());
      if (this.running) await this.listen(this.running.port);
      return this.status();
    });
  }

  close(): Promise<void> {
    return this.serialize(() => this.stop());
  }

  private settings(): ApiServerSettings {
    const parsed = apiServerSettingsSchema.safeParse(
      this.deps.documents.read(LOCAL_API_DOCUMENT) ?? {},
    );
    return parsed.success ? parsed.data : apiServerSettingsSchema.parse({});
  }

  private token(): string {
    const existing = this.deps.secrets.get(TOKEN_SECRET);
    if (existing !== null) return existing;
    const token = this.deps.newToken();
    this.deps.secrets.set(TOKEN_SECRET, token);
    return token;
  }

  /**
   * Starts the server on `port` before closing the one running, so a port that turns out to be
   * taken leaves the old one serving; on its own port the old one must close first.
   */
  private async listen(port: number): Promise<void> {
    if (this.running?.port === port) await this.stop();
    let server: { url: string; close(): Promise<void> };
    try {
      server = await this.deps.host.start({ port, token: this.token() });
    } catch (error) {
      throw new AppError('port-unavailable', portProblem(port, error), { port });
    }
    await this.stop();
    this.running = { port, ...server };
  }

  private async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    await running?.close();
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function portProblem(port: number, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    return `Port ${port} is already used by another program: pick another port.`;
  }
  if (code === 'EACCES')
    return `This computer does not let CodeFace use port ${port}: pick another.`;
  return `The local API could not start on port ${port}: pick another port.`;
}
