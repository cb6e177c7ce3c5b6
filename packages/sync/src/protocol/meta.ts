import { z } from 'zod';

/** A server's limits as `meta.info` reports them (defaults: `DEFAULT_SYNC_LIMITS`). */
export const syncLimitsSchema = z.object({
  maxChangeBytes: z.number().int().positive(),
  maxBatchChanges: z.number().int().positive(),
  maxUserBytes: z.number().int().positive(),
  maxPullChanges: z.number().int().positive(),
});
export type SyncLimits = z.infer<typeof syncLimitsSchema>;

/** What `meta.info` answers: the protocol the server speaks and its limits. */
export const serverInfoSchema = z.object({
  protocolVersion: z.number().int().positive(),
  limits: syncLimitsSchema,
});
