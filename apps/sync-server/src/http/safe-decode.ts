/** Percent-decodes a URL path; a malformed escape is a client's mistake, not a server error. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
