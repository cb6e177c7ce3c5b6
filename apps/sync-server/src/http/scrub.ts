/**
 * What must never reach a log line or an error report, whatever an error message or a URL
 * happens to carry: tokens, keys and ciphertext (long base64url runs; ids such as UUIDs are
 * shorter and stay, because operators need them), and email addresses. Passwords have no shape
 * to recognise: they live only in request bodies, which are never logged.
 */
const EMAIL = /[^\s@"'<>(),;:=/]+@[^\s@"'<>(),;:=/]+\.[A-Za-z]{2,}/g;
const LONG_OPAQUE_RUN = /[A-Za-z0-9_-]{40,}/g;

export function scrubText(text: string): string {
  return text.replace(EMAIL, '[email]').replace(LONG_OPAQUE_RUN, '[redacted]');
}

/** A URL as logged: its path only, since tRPC queries carry their input in the query string. */
export function scrubUrl(url: string): string {
  const question = url.indexOf('?');
  const path = question === -1 ? url : url.slice(0, question);
  return scrubText(path) + (question === -1 ? '' : '?[redacted]');
}

type SerializedError = {
  type: string;
  message: string;
  stack: string;
  code?: string | number;
  statusCode?: number;
  reason?: string;
  path?: string;
  cause?: SerializedError;
};

/**
 * An error as logged and reported: its kind, scrubbed message and stack, and the few fields that
 * say what failed. Not its other own properties: a Postgres error's `detail` quotes the row
 * ("Key (email)=(…) already exists"), and a wrapped error can carry a request's input.
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error))
    return { type: typeof error, message: '[not an Error]', stack: '' };
  const fields = error as Error &
    Partial<Record<'code' | 'statusCode' | 'reason' | 'path', unknown>>;
  return {
    type: error.name,
    message: scrubText(error.message),
    stack: scrubText(error.stack ?? ''),
    ...(typeof fields.code === 'string' || typeof fields.code === 'number'
      ? { code: fields.code }
      : {}),
    ...(typeof fields.statusCode === 'number' ? { statusCode: fields.statusCode } : {}),
    ...(typeof fields.reason === 'string' ? { reason: fields.reason } : {}),
    ...(typeof fields.path === 'string' ? { path: fields.path } : {}),
    ...(error.cause !== undefined && depth < 3
      ? { cause: serializeError(error.cause, depth + 1) }
      : {}),
  };
}
