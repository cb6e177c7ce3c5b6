import { wellFormed } from '@codeface/db';
import { initTRPC, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { appErrorReasons } from './errors';
import { toAppError } from './to-app-error';
import type { ApiContext } from './context';

/**
 * What a client is told about a failed call: tRPC's own errors (bad input, unknown procedure)
 * as they are, anything a procedure threw as an AppError. Mapped here rather than in a
 * middleware so that errors thrown while a subscription streams get the same treatment.
 */
function publicError(error: TRPCError): {
  error: TRPCError;
  reason: string | undefined;
  zod?: z.ZodError;
} {
  if (error.cause instanceof z.ZodError && error.code === 'BAD_REQUEST') {
    return { error, reason: 'invalid-input', zod: error.cause };
  }
  if (error.code !== 'INTERNAL_SERVER_ERROR') return { error, reason: undefined };
  const cause = toAppError(error.cause ?? error);
  return {
    error: new TRPCError({ code: appErrorReasons[cause.code], message: cause.message, cause }),
    reason: cause.code,
  };
}

/**
 * Bad input as sentences for the person who sees them. A schema's own message is written for
 * people (a sentence with its full stop) and shown as is; zod's generic ones ("Invalid option:
 * expected one of …") get the field they are about. The field issues go along in `data`.
 */
function readableIssues(error: z.ZodError): string {
  const sentences = error.issues.map((issue) => {
    const message = issue.message.trim();
    if (/[.!?]$/.test(message)) return message;
    const field = issue.path.map(String).join('.');
    return field === '' ? `${message}.` : `${field}: ${message}.`;
  });
  return [...new Set(sentences)].join(' ');
}

const t = initTRPC.context<ApiContext>().create({
  // Clients get a readable message, a reason code and, for bad input, the field issues; never
  // a stack trace, a path or a SQLite message (the host logs those).
  errorFormatter({ shape, error: raw }) {
    const { error, reason, zod } = publicError(raw);
    return {
      ...shape,
      code: TRPC_ERROR_CODES_BY_KEY[error.code],
      message: zod ? readableIssues(zod) : error.message,
      data: {
        code: error.code,
        httpStatus: getHTTPStatusCodeFromError(error),
        path: shape.data.path,
        reason,
        issues: zod?.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.message,
        })),
      },
    };
  },
});

export const createTRPCRouter = t.router;
/**
 * Every procedure reads its input as well-formed text (decision 0407): an unpaired surrogate a
 * client sends becomes U+FFFD before validation, so what is stored, written to a file or sent to
 * a model is what the call returns and what a later read shows.
 */
export const publicProcedure = t.procedure.use(({ next, getRawInput }) =>
  next({ getRawInput: async () => wellFormed(await getRawInput()) }),
);
