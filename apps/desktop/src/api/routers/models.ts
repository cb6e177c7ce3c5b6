import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { AppError } from '../errors';
import { id } from '../schemas';
import { publicProcedure } from '../trpc';

export const modelsRouter = {
  /** The curated catalog, each quantisation with its fit on this machine. */
  catalog: publicProcedure.query(({ ctx }) => ctx.services.models.catalog()),
  local: publicProcedure.query(({ ctx }) => ctx.services.models.local()),
  discover: publicProcedure.mutation(({ ctx }) => ctx.services.models.discover()),
  import: publicProcedure
    .input(
      z.object({
        path: z
          .string()
          .trim()
          .min(1, 'Enter the path of a .gguf file.')
          .max(4096)
          .refine((path) => path.toLowerCase().endsWith('.gguf'), 'Pick a .gguf model file.'),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.models.import(input.path)),
  /** A folder inside the home folder, for the web host's file browser (Electron has a dialog). */
  browse: publicProcedure
    .input(z.object({ path: z.string().trim().min(1).max(4096).nullable() }))
    .query(({ ctx, input }) => ctx.services.models.browse(input.path)),
  /** Shows a native file dialog where the platform has one, then imports the pick. */
  pickAndImport: publicProcedure.mutation(async ({ ctx }) => {
    if (!ctx.services.platform.canPickFiles) {
      throw new AppError('unsupported-on-platform', 'Type the path of the .gguf file instead.');
    }
    const path = await ctx.services.platform.pickModelFile();
    return path === null ? null : ctx.services.models.import(path);
  }),
  load: publicProcedure
    // A remote model's id carries its name on the server, which may be long.
    .input(z.object({ modelId: z.string().min(1).max(1024) }))
    .mutation(({ ctx, input }) => ctx.services.models.load(input.modelId)),
  unload: publicProcedure.mutation(({ ctx }) => ctx.services.models.unload()),
  info: publicProcedure.query(({ ctx }) => ctx.services.models.info()),
  /** The chats' saved model states (0208): bytes, chats and budget, or null. */
  savedStates: publicProcedure.query(({ ctx }) => ctx.services.models.savedStates()),
  clearSavedStates: publicProcedure.mutation(({ ctx }) => ctx.services.models.clearSavedStates()),
  downloads: publicProcedure.query(({ ctx }) => ctx.services.models.downloads()),
  startDownload: publicProcedure
    .input(z.object({ modelId: id, quantizationId: id }))
    .mutation(({ ctx, input }) => ctx.services.models.startDownload(input)),
  cancelDownload: publicProcedure.input(z.object({ downloadId: id })).mutation(({ ctx, input }) => {
    ctx.services.models.cancelDownload(input.downloadId);
    return { downloadId: input.downloadId };
  }),
  removeDownload: publicProcedure
    .input(z.object({ downloadId: id }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.models.removeDownload(input.downloadId);
      return { downloadId: input.downloadId };
    }),
  /** Each download's state now, then every change: bytes, bytes/s, ETA, state. */
  watchDownloads: publicProcedure.subscription(async function* ({ ctx, signal }) {
    yield* ctx.services.models.watchDownloads(signal ?? new AbortController().signal);
  }),
} satisfies TRPCRouterRecord;
