import { basename } from 'node:path';
import { GeneralChatWrapper, resolveChatWrapper } from 'node-llama-cpp';
import type { ChatHistoryItem } from 'node-llama-cpp';
import type { ChatMessage } from '../engine';
import { readGgufInfo } from '../models/gguf-metadata';

export type RenderedPrompt = {
  /** The node-llama-cpp chat wrapper chosen for the model, e.g. `JinjaTemplate` or `QwenChatWrapper`. */
  wrapper: string;
  /** The prompt exactly as the model will read it, ending where the answer begins. */
  text: string;
};

/** node-llama-cpp's chat history form of our messages; assistant turns are model responses. */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  return messages.map((message): ChatHistoryItem => {
    switch (message.role) {
      case 'system':
        return { type: 'system', text: message.content };
      case 'user':
        return { type: 'user', text: message.content };
      case 'assistant':
        return { type: 'model', response: [message.content] };
    }
  });
}

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
  // An empty model response at the end makes the wrapper emit the assistant header.
  const chatHistory: ChatHistoryItem[] = [
    ...toChatHistory(input.messages),
    { type: 'model', response: [] },
  ];
  const { contextText } = wrapper.generateContextState({ chatHistory });
  return { wrapper: wrapper.wrapperName, text: contextText.toString() };
}
