import { initTRPC } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { reasonOf, toTRPCError } from './errors';
import type { ApiContext } from './context';

const t = initTRPC.context<ApiContext>().create({
  // Clients get a readable message, a reason code and, for bad input, the field issues;
  // never a stack trace (the host logs those).
  // Domain errors are mapped here rather than in a middleware so that errors thrown while a
  // subscription streams get the same treatment as those of queries and mutations.
  errorFormatter({ shape, error: raw }) {
    const error =
      raw.code === 'INTERNAL_SERVER_ERROR' && raw.cause !== undefined
        ? toTRPCError(raw.cause)
        : raw;
    const zodError = error.cause instanceof z.ZodError ? error.cause : undefined;
    return {
      ...shape,
      code: TRPC_ERROR_CODES_BY_KEY[error.code],
      message: zodError ? `Invalid input: ${z.prettifyError(zodError)}` : error.message,
      data: {
        code: error.code,
        httpStatus: getHTTPStatusCodeFromError(error),
        path: shape.data.path,
        reason: zodError ? 'invalid-input' : reasonOf(error),
        issues: zodError?.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.message,
        })),
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
