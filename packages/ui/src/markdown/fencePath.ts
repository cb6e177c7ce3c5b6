/**
 * The file a code fence names in its info string after the language, as models and people
 * write it: ```` ```ts src/app.ts ````, ```` ```ts title="src/app.ts" ````, or `file=`/`path=`.
 * Only a proposal: the app checks it against the workspace folder before anything is written.
 */
export function fencePath(meta: string | null | undefined): string | null {
  if (!meta) return null;
  const named = /\b(?:title|file|filename|path)=(?:"([^"]+)"|'([^']+)'|(\S+))/.exec(meta);
  const candidate = named
    ? (named[1] ?? named[2] ?? named[3])
    : meta
        .trim()
        .split(/\s+/)
        .find((word) => !word.includes('=') && !word.startsWith('{') && /[./]/.test(word));
  // A word like `{1,3}` (line highlights) or `...` is no path.
  if (!candidate || !/[\w-]/.test(candidate)) return null;
  return candidate;
}
