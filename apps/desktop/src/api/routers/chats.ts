import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import {
  chatCreateInput,
  chatUpdateInput,
  exportFormatSchema,
  id,
  MAX_IMPORT_CHARS,
} from '../schemas';
import { publicProcedure } from '../trpc';

export const chatsRouter = {
  list: publicProcedure
    .input(
      z.object({ includeArchived: z.boolean().default(false) }).default({ includeArchived: false }),
    )
    .query(({ ctx, input }) => ctx.services.chats.list(input)),
  get: publicProcedure
    .input(z.object({ chatId: id }))
    .query(({ ctx, input }) => ctx.services.chats.get(input.chatId)),
  create: publicProcedure
    .input(chatCreateInput.default({}))
    .mutation(({ ctx, input }) => ctx.services.chats.create(input)),
  update: publicProcedure
    .input(chatUpdateInput)
    .mutation(({ ctx, input }) => ctx.services.chats.update(input)),
  delete: publicProcedure.input(z.object({ chatId: id })).mutation(({ ctx, input }) => {
    ctx.services.chats.delete(input.chatId);
    return { chatId: input.chatId };
  }),
  export: publicProcedure
    .input(
      z.object({
        chatIds: z.array(id).min(1, 'Pick at least one chat to export.'),
        format: exportFormatSchema,
      }),
    )
    .query(({ ctx, input }) => ctx.services.exports.export(input)),
  import: publicProcedure
    .input(
      z.object({
        content: z
          .string()
          .min(1, 'The file is empty.')
          .max(MAX_IMPORT_CHARS, 'The file is too large to import (at most 50 MB).'),
      }),
    )
    .mutation(({ ctx, input }) => {
      const imported = ctx.services.exports.import(input.content);
      ctx.services.semantic.poke();
      return imported;
    }),
} satisfies TRPCRouterRecord;
