import type {
  ChatHistoryItem,
  ChatWrapper,
  ChatWrapperGenerateContextStateOptions,
  ChatWrapperGeneratedContextState,
  LlamaText,
  Token,
  Tokenizer,
} from 'node-llama-cpp';
import type { ChatMessage, TokenCount } from '../engine/types';

/**
 * node-llama-cpp's chat history form of our messages; assistant turns are model responses. The
 * model answers into a trailing model item: one is added unless the last message is the
 * assistant's, which is then continued.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m): ChatHistoryItem => {
    switch (m.role) {
      case 'system':
        return { type: 'system', text: m.content };
      case 'user':
        return { type: 'user', text: m.content };
      case 'assistant':
        return { type: 'model', response: [m.content] };
    }
  });
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

/** The tokens a chat with these messages evaluates: the template rendered, answer header included. */
export function promptTokens(
  chatWrapper: ChatWrapper,
  tokenizer: Tokenizer,
  messages: readonly ChatMessage[],
): Token[] {
  return chatWrapper
    .generateContextState({ chatHistory: toChatHistory(messages) })
    .contextText.tokenize(tokenizer);
}

/**
 * Counts each message's tokens with the model's tokenizer and chat template, as a prompt's parts:
 * a message costs what it adds to a prompt, its markup included. Every message is counted as a
 * whole turn (a last answer is followed by the next answer's header, as in a follow-up), so the
 * counts add up to `promptTokens` of the messages for templates that render turn by turn (ChatML,
 * Llama 3, Qwen, …).
 */
export function countTokens(
  chatWrapper: ChatWrapper,
  tokenizer: Tokenizer,
  messages: readonly ChatMessage[],
): TokenCount {
  const count = (part: readonly ChatMessage[]): number => {
    const chatHistory = toChatHistory(part);
    if (part.at(-1)?.role === 'assistant') chatHistory.push({ type: 'model', response: [] });
    return chatWrapper.generateContextState({ chatHistory }).contextText.tokenize(tokenizer).length;
  };
  const fixedTokens = count([]);
  return {
    messages: messages.map((message) => count([message]) - fixedTokens),
    fixedTokens,
    exact: true,
  };
}

/** Enough for a chat's draft, its send and the next-turn probes, across a few chats. */
const RENDERS_KEPT = 8;

/**
 * The chat wrapper, remembering its latest renders and their tokens. A draft sent after its
 * prefill is rendered and tokenised twice more on the way to its first token: once to count and
 * compare its tokens, once inside LlamaChat. With a Jinja template a render costs about as much
 * as evaluating a token, so remembering them takes that off the follow-up's time to first token.
 */
export function rememberingRenders(chatWrapper: ChatWrapper): ChatWrapper {
  const renders = new Map<string, ChatWrapperGeneratedContextState>();
  const render = (options: ChatWrapperGenerateContextStateOptions) => {
    // Functions carry handlers that a key cannot capture; we never pass any.
    if (options.availableFunctions !== undefined) return chatWrapper.generateContextState(options);
    const key = JSON.stringify(options);
    const remembered = renders.get(key);
    // Re-inserted, so the map's order is least recently used first.
    if (remembered) renders.delete(key);
    const state = remembered ?? rememberTokens(chatWrapper.generateContextState(options));
    renders.set(key, state);
    if (renders.size > RENDERS_KEPT) renders.delete(renders.keys().next().value ?? key);
    return state;
  };
  return new Proxy(chatWrapper, {
    get: (target, property, receiver) =>
      property === 'generateContextState' ? render : Reflect.get(target, property, receiver),
  });
}

/** Makes the state's prompt text tokenise once per tokenizer; each caller gets its own copy. */
function rememberTokens(state: ChatWrapperGeneratedContextState): ChatWrapperGeneratedContextState {
  const text: LlamaText = state.contextText;
  const tokenize = text.tokenize.bind(text);
  const tokens = new Map<Tokenizer, Token[]>();
  text.tokenize = (tokenizer, options) => {
    if (options !== undefined) return tokenize(tokenizer, options);
    const known = tokens.get(tokenizer) ?? tokenize(tokenizer);
    tokens.set(tokenizer, known);
    return known.slice();
  };
  return state;
}
