import { basename } from 'node:path';
import { GeneralChatWrapper, resolveChatWrapper } from 'node-llama-cpp';
import type { ChatMessage } from '../engine';
import { toChatHistory } from '../llama/chat-history';
import { readGgufInfo } from '../models/gguf-metadata';

export type RenderedPrompt = {
  /** The node-llama-cpp chat wrapper chosen for the model, e.g. `JinjaTemplate` or `QwenChatWrapper`. */
  wrapper: string;
  /** The prompt exactly as the model will read it, ending where the answer begins. */
  text: string;
};

/**
 * Formats messages with the model's own chat template, the way the engine does: node-llama-cpp
 * reads `tokenizer.chat_template` from the GGUF and picks a matching built-in wrapper or runs
 * the Jinja template itself. Used to show the exact prompt and to count its tokens.
 */
export async function renderChatPrompt(input: {
  modelPath: string;
  messages: readonly ChatMessage[];
}): Promise<RenderedPrompt> {
  const { info } = await readGgufInfo(input.modelPath);
  // Like node-llama-cpp's LlamaChatSession, fall back to its general wrapper for a model with
  // no recognisable template.
  const wrapper =
    resolveChatWrapper({
      fileInfo: info,
      filename: basename(input.modelPath),
      architecture: info.metadata.general.architecture,
    }) ?? new GeneralChatWrapper();
  const { contextText } = wrapper.generateContextState({
    chatHistory: toChatHistory(input.messages),
  });
  return { wrapper: wrapper.wrapperName, text: contextText.toString() };
}
