import { resolveChatWrapper } from 'node-llama-cpp';
import type { ChatHistoryItem, Llama } from 'node-llama-cpp';
import type { ChatMessage } from '../engine';
import { readGgufInfo } from '../models/gguf-metadata';
import { toChatHistory } from '../llama/chat-history';

export type ModelTokenCounter = {
  /** Tokens of the whole prompt as the model reads it, up to where the answer begins. */
  countPrompt(messages: readonly ChatMessage[]): number;
  /** Tokens one message adds to a prompt, template markup included (for `fitTurnsToBudget`). */
  countMessage(message: ChatMessage): number;
  /** Tokens the template adds once per prompt: BOS and the assistant header. */
  fixedTokens: number;
  dispose(): Promise<void>;
};

/**
 * Counts tokens exactly as the engine will, without running the model: only the vocabulary is
 * loaded (`vocabOnly`), which takes milliseconds and no GPU memory, and messages are formatted
 * with the model's own chat template. The app uses it to budget a chat before sending it.
 */
export async function createModelTokenCounter(input: {
  llama: Llama;
  modelPath: string;
}): Promise<ModelTokenCounter> {
  // Validates the file first, so a bad path is a ModelError rather than a native failure.
  await readGgufInfo(input.modelPath);
  const model = await input.llama.loadModel({ modelPath: input.modelPath, vocabOnly: true });
  const wrapper = resolveChatWrapper(model);
  const countPrompt = (messages: readonly ChatMessage[]) => {
    // A prompt ending in an answer is counted as a finished turn followed by the next answer's
    // header, so that every message counts as a whole turn.
    const chatHistory: ChatHistoryItem[] = toChatHistory(messages);
    if (messages.at(-1)?.role === 'assistant') chatHistory.push({ type: 'model', response: [] });
    return wrapper.generateContextState({ chatHistory }).contextText.tokenize(model.tokenizer)
      .length;
  };
  const fixedTokens = countPrompt([]);
  return {
    countPrompt,
    countMessage: (message) => countPrompt([message]) - fixedTokens,
    fixedTokens,
    dispose: () => model.dispose(),
  };
}
