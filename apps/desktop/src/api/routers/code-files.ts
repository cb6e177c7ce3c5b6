import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { id } from '../schemas';
import { publicProcedure } from '../trpc';

/** The largest code block that can go into a file. */
const MAX_CODE_CHARS = 5_000_000;

const codeText = z
  .string()
  .max(MAX_CODE_CHARS, 'That code block is too large to write to a file (5 MB at most).');

const target = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('workspace'),
    path: z.string().min(1, 'Give the file a name.').max(1024),
  }),
  z.object({ kind: z.literal('picked'), pickId: id }),
]);

export const codeFilesRouter = {
  /** A native file dialog (desktop app); null when the person cancels. */
  pick: publicProcedure
    .input(
      z.object({
        mode: z.enum(['save', 'apply']),
        suggestedPath: z.string().max(1024).nullable(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.codeFiles.pick(input)),
  /** A native folder dialog for the workspace folder (desktop app); saves the choice. */
  pickWorkspace: publicProcedure.mutation(async ({ ctx }) => ({
    folder: await ctx.services.codeFiles.pickWorkspace(),
  })),
  /** A folder inside the workspace folder, for the web host's file browser. */
  browse: publicProcedure
    .input(z.object({ path: z.string().max(1024) }))
    .query(({ ctx, input }) => ctx.services.codeFiles.browse(input.path)),
  /** The file as it is and as it would be; writes nothing. */
  preview: publicProcedure
    .input(z.object({ target, content: codeText }))
    .query(({ ctx, input }) => ctx.services.codeFiles.preview(input)),
  write: publicProcedure
    .input(z.object({ target, content: codeText, beforeHash: z.string().length(64) }))
    .mutation(({ ctx, input }) => ctx.services.codeFiles.write(input)),
  undo: publicProcedure
    .input(z.object({ undoId: id }))
    .mutation(({ ctx, input }) => ctx.services.codeFiles.undo(input.undoId)),
} satisfies TRPCRouterRecord;
