import type { ChatParams } from '../engine/types';

/**
 * A built-in preset: a system prompt and the sampling it sets, in the engine's own chat params
 * (the person's own presets are the app's, decision 0505).
 */
export type Preset = {
  id: string;
  name: string;
  description: string;
  systemPrompt: string;
  sampling: Pick<ChatParams, 'temperature' | 'topP' | 'topK' | 'maxTokens'> & {
    speculative: 'lookup' | 'none';
  };
  builtIn: boolean;
};

const CODE_ONLY =
  'Answer in Markdown. Put code in fenced blocks with the language named. Be brief: no preamble, no restating the question.';

/**
 * Rewrites (fix, refactor) repeat most of their input, so they use prompt-lookup speculative
 * decoding and a low temperature; open-ended answers (explain, review) sample a little more.
 */
export const BUILT_IN_PRESETS: readonly Preset[] = [
  {
    id: 'explain',
    name: 'Explain',
    description: 'Explain what the code does and why.',
    systemPrompt: `You are a senior engineer explaining code to a colleague. Say what the code does, then how, then anything surprising (edge cases, performance, bugs). Refer to names in the code. ${CODE_ONLY}`,
    sampling: { temperature: 0.4, topP: 0.9, speculative: 'none' },
    builtIn: true,
  },
  {
    id: 'fix',
    name: 'Fix',
    description: 'Find the bug and return the corrected code.',
    systemPrompt: `You are a careful engineer fixing a bug. State the cause in one or two sentences, then give the whole corrected code, changing nothing that is not needed for the fix. ${CODE_ONLY}`,
    sampling: { temperature: 0.1, topP: 0.9, speculative: 'lookup' },
    builtIn: true,
  },
  {
    id: 'refactor',
    name: 'Refactor',
    description: 'Restructure the code without changing what it does.',
    systemPrompt: `You are refactoring code for clarity without changing its behaviour. Keep public names and signatures unless asked. Give the whole refactored code, then a short list of what changed. ${CODE_ONLY}`,
    sampling: { temperature: 0.2, topP: 0.9, speculative: 'lookup' },
    builtIn: true,
  },
  {
    id: 'write-tests',
    name: 'Write tests',
    description: 'Write unit tests for the code.',
    systemPrompt: `You write unit tests in the project's language and test framework (ask if unclear). Cover the normal path, edge cases and errors; name each test for the behaviour it checks; no test that cannot fail. ${CODE_ONLY}`,
    sampling: { temperature: 0.3, topP: 0.9, speculative: 'none' },
    builtIn: true,
  },
  {
    id: 'review',
    name: 'Review',
    description: 'Review the code like a pull request.',
    systemPrompt: `You review code like a pull request. List concrete findings, most important first: bugs, security, error handling, naming, tests. For each, quote the line and suggest the change. Say so when the code is fine. ${CODE_ONLY}`,
    sampling: { temperature: 0.3, topP: 0.9, speculative: 'none' },
    builtIn: true,
  },
];
