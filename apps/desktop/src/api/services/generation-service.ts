import type { ContextPlan } from '@codeface/inference';
import { AppError } from '../errors';
import { toAppError } from '../to-app-error';
import type {
  ContextBudget,
  ContextBudgetInput,
  GenerateInput,
  GenerationEvent,
  Message,
} from '../schemas';
import { AnswerRun, resumePoint, type NumberedEvent } from './answer-run';
import type { ChatService } from './chat-service';
import type { ChatEngine, ChatStore, StreamingMessage } from './ports';
import { ASSUMED_CONTEXT_TOKENS, assertFits, planTurn, toContextBudget } from './context-budget';
import type { SettingsService } from './settings-service';
import type { PresetService } from './preset-service';

type Turn = {
  chatId: string;
  history: Message[];
  userMessage: Message | null;
  parentId: string;
  /** The answer this turn writes more of (a continue); null for a new answer. */
  continues: Message | null;
};

export type GenerationServiceDeps = {
  store: ChatStore;
  chats: ChatService;
  engine: ChatEngine;
  settings: SettingsService;
  presets: PresetService;
  /** Told when a generation starts and ends, so background work (embedding) can pause. */
  onBusyChange?: (busy: boolean) => void;
};

/**
 * The engine cache (its context sequence) of a quick ask's first turn. The popup's chat exists
 * only once the question is sent, so the draft typed before that is evaluated under this key,
 * and the first turn of a quick-ask chat answers from it.
 */
export const QUICK_ASK_CACHE_KEY = 'quick-ask:draft';

/** The longest a read of a chat waits for an answer that is being stopped. */
const STOP_WAIT_LIMIT_MS = 3000;
/**
 * How long an answer whose connection dropped goes on being written without a subscriber,
 * waiting for its client to reconnect and resume it (then it is stopped), and how long a finished
 * answer can still be resumed. Longer than a client takes to notice a dead connection and
 * reconnect (its keep-alive: `KEEP_ALIVE` in `transport.ts`).
 */
const RESUME_WINDOW_MS = 30_000;
type Ending = Extract<GenerationEvent, { type: 'done' | 'error' }>;
/** A request that writes an answer (all but following one). */
type TurnInput = Exclude<GenerateInput, { kind: 'follow' }>;

export type GenerateOptions = {
  /** The subscription's signal: its aborting is the one way a client stops an answer. */
  signal: AbortSignal;
  /** Resolves once the transport has flushed what it was given. */
  transportReady?: () => Promise<void>;
  /**
   * Whether the connection is gone (dropped, not closed by a client that left): an abort then
   * only detaches the subscriber, and the answer waits for the client to resume it.
   */
  connectionLost?: () => boolean;
  /** Resolves if the connection ends because its page went away: a run it left waiting stops. */
  connectionLeft?: Promise<void>;
  /** The page the connection serves, where the transport knows it (see `pageConnected`). */
  page?: TabPage;
};

/**
 * One page load in a browser tab: the tab's secret, and an id the page draws when it loads and
 * sends at every (re)connect. A tab that connects with another id has a new page: the earlier one
 * went away (reloaded, navigated), and cannot resume what it was following.
 */
export type TabPage = { tab: string; id: string };

/**
 * Runs one turn of a chat: records the question (or finds it, for a regeneration), streams
 * the answer into a message that is saved as it grows, and reports what happened. Branches
 * are never overwritten: a regeneration or an edit adds a sibling.
 */
export class GenerationService {
  private running = 0;
  /**
   * Answers being written, and those finished within the resume window, by the id of the
   * message they write.
   */
  private readonly runs = new Map<string, AnswerRun>();
  /**
   * The live subscriptions of each run: a lost connection leaves the run waiting only when it was
   * the last one showing it (another page follows it, or the client has resumed on a new
   * connection before the old one was found dead).
   */
  private readonly followers = new Map<string, Set<symbol>>();
  /** Runs without a subscriber since their connection dropped: each is stopped when its wait ends. */
  private readonly orphaned = new Map<
    string,
    { timer: ReturnType<typeof setTimeout>; page: TabPage | undefined }
  >();
  /** The page each browser tab shows now, by the tab's secret (see `pageConnected`). */
  private readonly tabPages = new Map<string, string>();
  constructor(private readonly deps: GenerationServiceDeps) {}

  /**
   * The events of one answer, each with the id a client resumes after: a new turn, or (with
   * `lastEventId`) the rest of the answer a reconnecting client was following. An answer no
   * longer kept has nothing more to send: it is saved, and the client reads it back.
   */
  async *generate(input: GenerateInput, options: GenerateOptions): AsyncGenerator<NumberedEvent> {
    if (input.lastEventId != null) {
      const point = resumePoint(input.lastEventId);
      const run = point && this.runs.get(point.messageId);
      if (!point || !run) return;
      yield* this.attach(run, point.seen, options);
      return;
    }
    if (input.kind === 'follow') {
      const run = this.runs.get(input.messageId);
      if (run) yield* this.attach(run, null, options);
      return;
    }
    yield* this.attach(await this.start(input), null, options);
  }

  /** Follows a run for one subscription; the subscription's abort stops it or orphans it. */
  private async *attach(
    run: AnswerRun,
    seen: number | 'ended' | null,
    options: GenerateOptions,
  ): AsyncGenerator<NumberedEvent> {
    const { signal } = options;
    const follower = Symbol(run.messageId);
    const followers = this.followers.get(run.messageId) ?? new Set<symbol>();
    this.followers.set(run.messageId, followers.add(follower));
    this.adopt(run.messageId);
    const onAbort = () => {
      followers.delete(follower);
      // A client's unsubscribe is its Stop, from whichever page shows the answer.
      if (!options.connectionLost?.()) return run.stop();
      if (followers.size > 0) return;
      // A page gone (a new one is open in its tab) will not come back for it.
      if (this.pageGone(options.page)) run.stop();
      else this.orphan(run, options);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      yield* run.follow({ seen, signal, ready: options.transportReady });
    } finally {
      signal.removeEventListener('abort', onAbort);
      followers.delete(follower);
    }
  }

  /** Stops a run left without a subscriber, unless one comes back within the resume window. */
  private orphan(
    run: AnswerRun,
    connection: Pick<GenerateOptions, 'connectionLeft' | 'page'>,
  ): void {
    if (!run.writing) return;
    this.adopt(run.messageId);
    const timer = setTimeout(() => this.stopOrphan(run.messageId), RESUME_WINDOW_MS);
    timer.unref?.();
    this.orphaned.set(run.messageId, { timer, page: connection.page });
    // A page that went away will not resume it; a client that came back since has adopted it.
    void connection.connectionLeft?.then(() => {
      if (this.orphaned.get(run.messageId)?.timer === timer) this.stopOrphan(run.messageId);
    });
  }

  /** The run is followed again, or has ended: it no longer waits to be stopped. */
  private adopt(messageId: string): void {
    clearTimeout(this.orphaned.get(messageId)?.timer);
    this.orphaned.delete(messageId);
  }

  private stopOrphan(messageId: string): void {
    this.adopt(messageId);
    this.runs.get(messageId)?.stop();
  }

  /**
   * A connection opened. A page that reconnects resumes what it follows; a page new in its tab
   * means the tab's earlier page is gone (a reload, which may have cut its socket without a close
   * frame), and the answers that page left waiting stop now, before the new page reads them.
   */
  pageConnected(page: TabPage): void {
    if (this.tabPages.get(page.tab) === page.id) return;
    this.tabPages.set(page.tab, page.id);
    for (const [messageId, orphan] of this.orphaned) {
      if (orphan.page?.tab === page.tab) this.stopOrphan(messageId);
    }
  }

  private pageGone(page: TabPage | undefined): boolean {
    return page !== undefined && this.tabPages.get(page.tab) !== page.id;
  }

  /** Records the turn, opens its answer and starts the engine writing it. */
  private async start(input: TurnInput): Promise<AnswerRun> {
    const { store, engine } = this.deps;
    const modelId = engine.loadedModelId();
    if (modelId === null) {
      throw new AppError('no-model-loaded', 'Load a model first: open Models and pick one.');
    }
    const turn = this.prepareTurn(input);
    const maxTokens = this.maxAnswerTokens(this.deps.chats.get(turn.chatId).preset);
    const budget = await this.promptFor(turn.chatId, turn.history);
    assertFits(budget);
    // A continued answer is reopened and appended to; the engine continues the text it ends with.
    const writer = turn.continues
      ? store.continueStreaming(turn.continues.id)
      : store.startStreaming({ chatId: turn.chatId, parentId: turn.parentId, model: modelId });
    const run = new AnswerRun(
      {
        type: 'started',
        chatId: turn.chatId,
        userMessage: turn.userMessage,
        assistantMessage: writer.message,
        omittedMessages: budget.omitted,
      },
      this.cacheKeyOf(turn),
    );
    this.runs.set(run.messageId, run);
    void this.write(run, writer, {
      messages: budget.kept,
      maxTokens,
      // A continued answer's figures count the tokens it had before.
      earlierTokens: turn.continues?.completionTokens ?? 0,
    });
    return run;
  }

  /**
   * Streams the engine's answer into the store and the run, whoever is following it. Stopped
   * (the run's signal), the engine still reports its figures, and they are saved with the text.
   */
  private async write(
    run: AnswerRun,
    writer: StreamingMessage,
    turn: { messages: ContextPlan['kept']; maxTokens: number; earlierTokens: number },
  ): Promise<void> {
    const { temperature } = this.deps.settings.get();
    let tokens = turn.earlierTokens;
    let ending: Ending | null = null;
    this.setBusy(+1);
    try {
      const events = this.deps.engine.chat({
        chatId: run.cacheKey,
        messages: turn.messages,
        params: { temperature, maxTokens: turn.maxTokens },
        signal: run.signal,
      });
      for await (const event of events) {
        switch (event.type) {
          case 'delta':
            tokens += event.tokens;
            writer.append(event.text);
            run.append(event.text);
            break;
          case 'done': {
            const stats = {
              completionTokens: turn.earlierTokens + event.completionTokens,
              timeToFirstTokenMs: event.timeToFirstTokenMs,
              tokensPerSecond: event.tokensPerSecond,
            };
            const stopReason =
              run.signal.aborted || event.stopReason === 'aborted' ? null : event.stopReason;
            // A stopped answer keeps its text and figures but says it was cut short.
            if (stopReason === null) writer.interrupt(stats);
            else writer.finish({ ...stats, stopReason });
            ending = {
              type: 'done',
              messageId: run.messageId,
              ...stats,
              promptTokens: event.promptTokens,
              reusedTokens: event.reusedTokens,
              restoredTokens: event.restoredTokens,
              stopped: stopReason === null,
              stopReason,
            };
            return;
          }
          default:
            event satisfies never;
        }
      }
    } catch (error) {
      // An engine that fails because it was stopped was stopped: keep what it wrote.
      if (run.signal.aborted) return;
      // The saved answer keeps the same sentence the person sees, never the engine's own text.
      const failure = toAppError(error);
      writer.fail(failure.message);
      ending = {
        type: 'error',
        messageId: run.messageId,
        reason: failure.code,
        message: failure.message,
      };
    } finally {
      this.setBusy(-1);
      // The engine ended without a final event (it was stopped and threw, or just ended):
      // keep what was generated.
      if (ending === null)
        writer.interrupt({
          completionTokens: tokens,
          timeToFirstTokenMs: null,
          tokensPerSecond: null,
        });
      run.end(ending);
      this.adopt(run.messageId);
      // Kept a while, for a client whose connection dropped just before the end.
      const timer = setTimeout(() => {
        this.runs.delete(run.messageId);
        this.followers.delete(run.messageId);
      }, RESUME_WINDOW_MS);
      timer.unref?.();
    }
  }

  /**
   * Waits for answers of this chat that were told to stop but have not saved their final
   * state yet. A client that unsubscribes and at once reads the chat back then reads the final
   * status and figures, not `streaming`.
   */
  async settleStopped(chatId: string): Promise<void> {
    await this.settle(
      [...this.runs.values()].filter((run) => run.chatId === chatId && run.stopping),
    );
  }

  /** Stops every answer being written and waits until each is saved as stopped (at quit). */
  async stopAll(): Promise<void> {
    const writing = [...this.runs.values()].filter((run) => run.writing);
    for (const run of writing) run.stop();
    await this.settle(writing);
  }

  /** Bounded, so that an engine that never finishes stopping cannot hold up a read or a quit. */
  private async settle(runs: AnswerRun[]): Promise<void> {
    if (runs.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(runs.map((run) => run.settled)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_WAIT_LIMIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Whether an answer is being written that `matches`. */
  private writing(matches: (run: AnswerRun) => boolean): boolean {
    return [...this.runs.values()].some((run) => run.writing && matches(run));
  }

  /**
   * Evaluates the prompt that sending `content` in this chat would make while the person is
   * still typing it, so that the answer starts at once when they send (0203). It does nothing
   * without a model, or while this chat is answering: the cache then holds that answer, and a
   * draft written against the branch before it would only be evaluated again.
   */
  async prefill(input: { chatId: string; content: string }): Promise<number> {
    const { engine, store } = this.deps;
    if (engine.loadedModelId() === null) return 0;
    if (this.writing((run) => run.chatId === input.chatId)) return 0;
    const history = [
      ...store.activeBranch(input.chatId),
      { role: 'user' as const, content: input.content },
    ];
    const plan = await this.promptFor(input.chatId, history);
    // A draft that does not fit is refused when it is sent; there is nothing to evaluate ahead.
    if (plan.freeTokens < 0) return 0;
    return engine.prefill({ chatId: input.chatId, messages: plan.kept });
  }

  /**
   * Evaluates a quick question while it is typed, before its chat exists, under the cache key its
   * first turn will use (`QUICK_ASK_CACHE_KEY`): the same system prompt (the preset's) and the
   * same message as the send that follows.
   */
  async prefillQuickAsk(input: { preset: string | null; content: string }): Promise<number> {
    const { engine } = this.deps;
    if (engine.loadedModelId() === null) return 0;
    if (this.writing((run) => run.cacheKey === QUICK_ASK_CACHE_KEY)) return 0;
    const plan = await this.fit(
      { systemPrompt: this.deps.presets.systemPromptOf(input.preset), preset: input.preset },
      [{ role: 'user', content: input.content }],
    );
    if (plan.freeTokens < 0) return 0;
    return engine.prefill({ chatId: QUICK_ASK_CACHE_KEY, messages: plan.kept });
  }

  /** A quick ask's first turn answers from the draft's cache; every other turn from its chat's. */
  private cacheKeyOf(turn: Turn): string {
    const firstTurn = turn.history.length === 1;
    return firstTurn && this.deps.chats.get(turn.chatId).source === 'quick-ask'
      ? QUICK_ASK_CACHE_KEY
      : turn.chatId;
  }

  /**
   * How full the context window is with this chat's active branch and the message being typed
   * (the context meter): the same plan a send of that message makes, so the meter's "fits" and
   * the send's refusal cannot disagree.
   */
  async contextBudget(input: ContextBudgetInput): Promise<ContextBudget> {
    const draft = { role: 'user' as const, content: input.draft };
    const plan =
      input.chatId === null
        ? await this.fit(
            {
              systemPrompt: input.systemPrompt ?? this.deps.presets.systemPromptOf(input.preset),
              preset: input.preset,
            },
            [draft],
          )
        : await this.promptFor(input.chatId, [
            ...this.deps.store.activeBranch(input.chatId).filter((m) => m.status !== 'streaming'),
            draft,
          ]);
    return toContextBudget(plan);
  }

  /** What the engine is sent for this history: the chat's system prompt and what fits. */
  private promptFor(
    chatId: string,
    history: Pick<Message, 'role' | 'content'>[],
  ): Promise<ContextPlan> {
    const chat = this.deps.chats.get(chatId);
    return this.fit(
      {
        systemPrompt: chat.systemPrompt ?? this.deps.presets.systemPromptOf(chat.preset),
        preset: chat.preset,
      },
      history,
    );
  }

  private async fit(
    { systemPrompt, preset }: { systemPrompt: string | null; preset: string | null },
    history: Pick<Message, 'role' | 'content'>[],
  ): Promise<ContextPlan> {
    const contextSize =
      (await this.deps.engine.info()).contextSize ??
      this.deps.settings.get().contextSize ??
      ASSUMED_CONTEXT_TOKENS;
    return planTurn(this.deps.engine, {
      systemPrompt,
      history,
      contextSize,
      maxAnswerTokens: this.maxAnswerTokens(preset),
    });
  }

  /** The preset's own answer-length limit, else the setting's. */
  private maxAnswerTokens(presetId: string | null): number {
    return (
      this.deps.presets.maxAnswerTokensOf(presetId) ?? this.deps.settings.get().maxAnswerTokens
    );
  }

  private setBusy(change: 1 | -1): void {
    const wasBusy = this.running > 0;
    this.running += change;
    if (wasBusy !== this.running > 0) this.deps.onBusyChange?.(this.running > 0);
  }

  private prepareTurn(input: TurnInput): Turn {
    const { store, chats } = this.deps;
    switch (input.kind) {
      case 'send': {
        chats.get(input.chatId);
        const branch = store.activeBranch(input.chatId);
        const parent = branch[branch.length - 1];
        const userMessage = store.appendMessage({
          chatId: input.chatId,
          parentId: parent?.id ?? null,
          role: 'user',
          content: input.content,
        });
        chats.titleFromFirstMessage(input.chatId, input.content);
        return {
          chatId: input.chatId,
          history: [...branch, userMessage],
          userMessage,
          parentId: userMessage.id,
          continues: null,
        };
      }
      case 'continue': {
        const target = chats.message(input.messageId);
        if (
          target.role !== 'assistant' ||
          target.status === 'streaming' ||
          target.status === 'error' ||
          target.parentId === null
        ) {
          throw new AppError('invalid-branch', 'Only a finished answer can be continued.');
        }
        return {
          chatId: target.chatId,
          history: chats.pathTo(target.id),
          userMessage: null,
          parentId: target.parentId,
          continues: target,
        };
      }
      case 'regenerate': {
        const target = chats.message(input.messageId);
        // Regenerating an answer asks its question again; regenerating a question answers it.
        const questionId = target.role === 'assistant' ? target.parentId : target.id;
        if (questionId === null) {
          throw new AppError('invalid-branch', 'This message has no question to answer again.');
        }
        return {
          chatId: target.chatId,
          history: chats.pathTo(questionId),
          userMessage: null,
          parentId: questionId,
          continues: null,
        };
      }
      case 'edit': {
        const target = chats.message(input.messageId);
        if (target.role !== 'user') {
          throw new AppError(
            'invalid-branch',
            'Only your own messages can be edited and sent again.',
          );
        }
        const history = target.parentId === null ? [] : chats.pathTo(target.parentId);
        const userMessage = store.appendMessage({
          chatId: target.chatId,
          parentId: target.parentId,
          role: 'user',
          content: input.content,
        });
        return {
          chatId: target.chatId,
          history: [...history, userMessage],
          userMessage,
          parentId: userMessage.id,
          continues: null,
        };
      }
      default:
        return input satisfies never;
    }
  }
}
