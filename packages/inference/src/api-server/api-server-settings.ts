import { z } from 'zod';

/**
 * The local API is off unless the person turns it on, and it only ever listens on the loopback
 * interface. Its bearer token is a secret, so it is kept by the app's secret store, not here.
 */
export const apiServerSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  port: z
    .number('The port must be a number.')
    .int('The port must be a whole number.')
    .min(1024, 'Pick a port from 1024 to 65535.')
    .max(65535, 'Pick a port from 1024 to 65535.')
    .default(11435),
});
export type ApiServerSettings = z.infer<typeof apiServerSettingsSchema>;
