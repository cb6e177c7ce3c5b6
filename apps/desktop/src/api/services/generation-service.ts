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
import { coalesceDeltas } from './coalesce-deltas';
import type { ChatService } from './chat-service';
import type { ChatEngine, ChatStore } from './ports';
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
/** Request ids remembered, newest kept: far more than one client re-sends after a reconnect. */
const REQUESTS_KEPT = 1000;

/**
 * Runs one turn of a chat: records the question (or finds it, for a regeneration), streams
 * the answer into a message that is saved as it grows, and reports what happened. Branches
 * are never overwritten: a regeneration or an edit adds a sibling.
 */
export class GenerationService {
  private running = 0;
  /** Generations under way, by the id of the answer they write. */
  private readonly active = new Map<
    string,
    {
      chatId: string;
      /** The engine cache it writes (the chat's id, or the quick ask's draft key). */
      cacheKey: string;
      signal: AbortSignal;
      stop: () => void;
      settled: Promise<void>;
    }
  >();
  /** Requests seen, by their client-chosen id: each one settles when its generation has. */
  private readonly requests = new Map<string, Promise<void>>();
  constructor(private readonly deps: GenerationServiceDeps) {}

  async *generate(
    input: GenerateInput,
    options: { signal: AbortSignal; transportReady?: () => Promise<void> },
  ): AsyncGenerator<GenerationEvent> {
    if (input.requestId === undefined) {
      yield* this.run(input, options);
      return;
    }
    const seen = this.requests.get(input.requestId);
    if (seen) {
      // Sent again after a reconnect: the stream ends once the first one is saved, and the
      // client reads the chat back from the store.
      await seen;
      return;
    }
    let markSettled: () => void = () => undefined;
    this.remember(
      input.requestId,
      new Promise<void>((resolve) => {
        markSettled = resolve;
      }),
    );
    try {
      yield* this.run(input, options);
    } finally {
      markSettled();
    }
  }

  private async *run(
    input: GenerateInput,
    options: { signal: AbortSignal; transportReady?: () => Promise<void> },
  ): AsyncGenerator<GenerationEvent> {
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
    // A continued answer's figures count the tokens it had before.
    const earlierTokens = turn.continues?.completionTokens ?? 0;
    const stopper = new AbortController();
    const signal = AbortSignal.any([options.signal, stopper.signal]);
    let markSettled: () => void = () => undefined;
    const cacheKey = this.cacheKeyOf(turn);
    this.active.set(writer.message.id, {
      chatId: turn.chatId,
      cacheKey,
      signal,
      stop: () => stopper.abort(),
      settled: new Promise<void>((resolve) => {
        markSettled = resolve;
      }),
    });
    const { temperature } = this.deps.settings.get();
    let tokens = earlierTokens;
    let settled = false;
    this.setBusy(+1);
    // Everything after the answer exists is inside try/finally: a client that goes away at any
    // yield (even the first) leaves the answer saved as interrupted, never streaming.
    try {
      yield {
        type: 'started',
        chatId: turn.chatId,
        userMessage: turn.userMessage,
        assistantMessage: writer.message,
        omittedMessages: budget.omitted,
      };
      const events = engine.chat({
        chatId: cacheKey,
        messages: budget.kept,
        params: { temperature, maxTokens },
        signal,
      });
      for await (const event of coalesceDeltas(events, options.transportReady)) {
        switch (event.type) {
          case 'delta':
            tokens += event.tokens;
            writer.append(event.text);
            yield event;
            break;
          case 'done': {
            const stats = {
              completionTokens: earlierTokens + event.completionTokens,
              timeToFirstTokenMs: event.timeToFirstTokenMs,
              tokensPerSecond: event.tokensPerSecond,
            };
            const stopReason =
              signal.aborted || event.stopReason === 'aborted' ? null : event.stopReason;
            // A stopped answer keeps its text and figures but says it was cut short.
            if (stopReason === null) writer.interrupt(stats);
            else writer.finish({ ...stats, stopReason });
            settled = true;
            yield {
              type: 'done',
              messageId: writer.message.id,
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
      if (signal.aborted) return;
      // The saved answer keeps the same sentence the person sees, never the engine's own text.
      const failure = toAppError(error);
      writer.fail(failure.message);
      settled = true;
      yield {
        type: 'error',
        messageId: writer.message.id,
        reason: failure.code,
        message: failure.message,
      };
    } finally {
      this.setBusy(-1);
      // Reached when the client unsubscribed (the signal already stopped the engine) or the
      // engine ended without a final event: keep what was generated.
      if (!settled)
        writer.interrupt({
          completionTokens: tokens,
          timeToFirstTokenMs: null,
          tokensPerSecond: null,
        });
      this.active.delete(writer.message.id);
      markSettled();
    }
  }

  private remember(requestId: string, settled: Promise<void>): void {
    this.requests.set(requestId, settled);
    const oldest = this.requests.keys().next().value;
    if (this.requests.size > REQUESTS_KEPT && oldest !== undefined) this.requests.delete(oldest);
  }

  /** Stops the generation writing this answer and waits until the answer is saved as stopped. */
  async stop(messageId: string): Promise<void> {
    const generation = this.active.get(messageId);
    if (!generation) return;
    generation.stop();
    await generation.settled;
  }

  /**
   * Waits for generations of this chat that were told to stop but have not saved their final
   * state yet. A client that unsubscribes and at once reloads the chat then reads the final
   * status, not `streaming`.
   */
  async settleStopped(chatId: string): Promise<void> {
    const stopping = [...this.active.values()].filter(
      (generation) => generation.chatId === chatId && generation.signal.aborted,
    );
    if (stopping.length === 0) return;
    // Bounded, so that an engine that never finishes stopping cannot hold up reading the chat.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(stopping.map((generation) => generation.settled)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_WAIT_LIMIT_MS);
      }),
    ]);
    clearTimeout(timer);
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
    if ([...this.active.values()].some((generation) => generation.chatId === input.chatId)) {
      return 0;
    }
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
    const quickAsks = [...this.active.values()].filter((g) => g.cacheKey === QUICK_ASK_CACHE_KEY);
    if (quickAsks.length > 0) return 0;
    const plan = await this.fit(
      { systemPrompt: this.deps.presets.systemPromptOf(input.preset), preset: input.preset },
      [{ role: 'user', content: input.content }],
    );
    if (plan.freeTokens < 0) return 0;
    return engine.prefill({ chatId: QUICK_ASK_CACHE_KEY, messages: plan.kept });
  }

  /** Stops every answer being written and waits until each is saved as stopped (at quit). */
  async stopAll(): Promise<void> {
    const running = [...this.active.values()];
    for (const generation of running) generation.stop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(running.map((generation) => generation.settled)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_WAIT_LIMIT_MS);
      }),
    ]);
    clearTimeout(timer);
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

  private prepareTurn(input: GenerateInput): Turn {
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
