import type { ChatWrapper, LlamaContextSequence, Token, Tokenizer } from 'node-llama-cpp';
import type { ChatMessage } from '../engine/types';
import { promptTokens } from './chat-history';

/**
 * User messages that start differently in ways a tokenizer may merge with the turn
 * header before them (a letter, a digit, a space, a line break). Whatever tokens the
 * template renders alike for all of them do not depend on the next message.
 */
const PROBE_MESSAGES = ['a', '1', ' ', '\n'];

/** The conversation as the app will send it next: the answer appended, or continued. */
export function withAnswer(messages: ChatMessage[], answer: string): ChatMessage[] {
  const last = messages.at(-1);
  if (last?.role === 'assistant') {
    return [...messages.slice(0, -1), { role: 'assistant', content: last.content + answer }];
  }
  return [...messages, { role: 'assistant', content: answer }];
}

/**
 * The tokens any next turn's prompt starts with: the conversation so far, the
 * end-of-turn after the answer and the next user turn's header.
 */
export function nextTurnPrefix(options: {
  chatWrapper: ChatWrapper;
  tokenizer: Tokenizer;
  messages: ChatMessage[];
}): Token[] {
  const { chatWrapper, tokenizer, messages } = options;
  const renders = PROBE_MESSAGES.map((content) =>
    promptTokens(chatWrapper, tokenizer, [...messages, { role: 'user', content }]),
  );
  const [first, ...rest] = renders;
  if (!first) return [];
  let length = first.length;
  for (const tokens of rest) {
    let i = 0;
    while (i < length && i < tokens.length && tokens[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length);
}

/**
 * Evaluates into the chat's sequence the tokens its next turn certainly starts with,
 * so that turn evaluates only the user's message and the reply header. Exact by
 * construction: the next turn reuses these tokens only where its own prompt matches
 * them (node-llama-cpp compares and drops the rest), so a chat that goes elsewhere
 * (an edited message, a regenerated answer) loses this work, never correctness.
 */
export async function prepareNextTurn(options: {
  sequence: LlamaContextSequence;
  chatWrapper: ChatWrapper;
  tokenizer: Tokenizer;
  messages: ChatMessage[];
}): Promise<number> {
  const { sequence } = options;
  const prefix = nextTurnPrefix(options);
  const cached = sequence.nextTokenIndex;
  // Only extend what is cached: a cache that differs from the conversation is left
  // for the next turn to repair, and the context must keep room for that turn.
  if (prefix.length <= cached || prefix.length >= sequence.context.contextSize) return 0;
  if (sequence.compareContextTokens(prefix).firstDifferentIndex < cached) return 0;
  const tokens = prefix.slice(cached);
  await sequence.evaluateWithoutGeneratingNewTokens(tokens);
  return tokens.length;
}
