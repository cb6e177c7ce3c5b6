import type { FastifyServerOptions } from 'fastify';
import type { ServerConfig } from '../config';
import { scrubUrl, serializeError } from './scrub';

/** Where the JSON lines go instead of stdout. */
export type LogStream = { write(line: string): void };

type RequestLike = {
  method?: string;
  url?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
};

/**
 * pino options for the server's JSON logs: one line per request start and end with its request
 * id, the path without its query string, and errors through the scrubbing serializer. Headers
 * and bodies are never logged; the redaction paths are a second line of defence for anything
 * logged by hand.
 */
export function loggerOptions(
  config: Pick<ServerConfig, 'logLevel'>,
  stream?: LogStream,
): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: RequestLike) => ({
        method: req.method,
        url: scrubUrl(req.url ?? ''),
        remoteAddress: req.ip ?? req.socket?.remoteAddress,
      }),
      err: (error: unknown) => serializeError(error),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        '*.password',
        '*.newPassword',
        '*.email',
        '*.token',
        '*.accessToken',
        '*.refreshToken',
        '*.ciphertext',
        '*.wrappedDataKey',
      ],
      censor: '[redacted]',
    },
  };
}
