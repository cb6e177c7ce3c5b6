import type { HighlighterCore, LanguageRegistration, ThemedToken } from 'shiki/core';

/**
 * Shiki is loaded on first use, never before first paint: the core, the JavaScript regex
 * engine (no WASM) and each grammar are separate chunks, and a grammar is fetched only when a
 * code block in that language appears.
 */

type GrammarModule = { default: LanguageRegistration[] };
const grammars: Record<string, () => Promise<GrammarModule>> = {
  typescript: () => import('shiki/langs/typescript.mjs'),
  tsx: () => import('shiki/langs/tsx.mjs'),
  javascript: () => import('shiki/langs/javascript.mjs'),
  jsx: () => import('shiki/langs/jsx.mjs'),
  json: () => import('shiki/langs/json.mjs'),
  python: () => import('shiki/langs/python.mjs'),
  rust: () => import('shiki/langs/rust.mjs'),
  go: () => import('shiki/langs/go.mjs'),
  c: () => import('shiki/langs/c.mjs'),
  cpp: () => import('shiki/langs/cpp.mjs'),
  java: () => import('shiki/langs/java.mjs'),
  csharp: () => import('shiki/langs/csharp.mjs'),
  shellscript: () => import('shiki/langs/shellscript.mjs'),
  html: () => import('shiki/langs/html.mjs'),
  css: () => import('shiki/langs/css.mjs'),
  sql: () => import('shiki/langs/sql.mjs'),
  yaml: () => import('shiki/langs/yaml.mjs'),
  diff: () => import('shiki/langs/diff.mjs'),
  markdown: () => import('shiki/langs/markdown.mjs'),
};

const aliases: Record<string, string> = {
  ts: 'typescript',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  py: 'python',
  rs: 'rust',
  golang: 'go',
  'c++': 'cpp',
  cs: 'csharp',
  sh: 'shellscript',
  bash: 'shellscript',
  shell: 'shellscript',
  zsh: 'shellscript',
  yml: 'yaml',
  md: 'markdown',
  patch: 'diff',
};

/** The grammar name for a fence's info string, or null when we do not highlight it. */
export function grammarFor(language: string): string | null {
  const name = language.toLowerCase();
  const resolved = aliases[name] ?? name;
  return resolved in grammars ? resolved : null;
}

export const SHIKI_THEMES = { light: 'github-light', dark: 'github-dark' } as const;

let highlighter: Promise<HighlighterCore> | null = null;
const loaded = new Map<string, Promise<void>>();

function loadHighlighter(): Promise<HighlighterCore> {
  highlighter ??= (async () => {
    const [{ createHighlighterCore }, { createJavaScriptRegexEngine }, light, dark] =
      await Promise.all([
        import('shiki/core'),
        import('shiki/engine/javascript'),
        import('shiki/themes/github-light.mjs'),
        import('shiki/themes/github-dark.mjs'),
      ]);
    return createHighlighterCore({
      themes: [light.default, dark.default],
      langs: [],
      engine: createJavaScriptRegexEngine(),
    });
  })();
  return highlighter;
}

/** Tokens for `code`, each with `--shiki-light` / `--shiki-dark` colours in `htmlStyle`. */
export async function highlightCode(code: string, grammar: string): Promise<ThemedToken[][]> {
  const core = await loadHighlighter();
  let ready = loaded.get(grammar);
  if (!ready) {
    const loader = grammars[grammar];
    if (!loader) throw new RangeError(`no grammar for ${grammar}`);
    ready = loader().then((module) => core.loadLanguage(module.default));
    loaded.set(grammar, ready);
  }
  await ready;
  return core.codeToTokens(code, {
    lang: grammar,
    themes: SHIKI_THEMES,
    defaultColor: false,
  }).tokens;
}
