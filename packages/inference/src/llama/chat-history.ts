import type { ChatHistoryItem, ChatWrapper, Token, Tokenizer } from 'node-llama-cpp';
import type { ChatMessage } from '../engine/types';

export function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
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
  // The model answers into a trailing model item; a trailing assistant message is continued.
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

/** The tokens a chat with these messages evaluates: the template rendered, answer header included. */
export function promptTokens(
  chatWrapper: ChatWrapper,
  tokenizer: Tokenizer,
  messages: ChatMessage[],
): Token[] {
  return chatWrapper
    .generateContextState({ chatHistory: toChatHistory(messages) })
    .contextText.tokenize(tokenizer);
}
