import { z } from 'zod';

/**
 * The local API is off unless the user turns it on; it only ever listens on the
 * loopback interface, and every request needs the bearer token.
 */
export const apiServerSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  port: z.number().int().min(0).max(65535).default(11435),
  /**
   * At least 16 characters, so that it cannot be guessed by a local web page; the
   * app generates one (e.g. 32 random bytes, base64url) when the user turns the API on.
   */
  token: z.string().min(16).optional(),
});
export type ApiServerSettings = z.input<typeof apiServerSettingsSchema>;
