import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { z } from 'zod';

/** On-disk format of the sidecar next to a `.part` file; see SPEC.md. */
export const PARTIAL_DOWNLOAD_VERSION = 1;

const sidecarSchema = z.object({
  version: z.literal(PARTIAL_DOWNLOAD_VERSION),
  url: z.url(),
  /** The server's validator for the bytes already on disk; a different one means start over. */
  etag: z.string().nullable(),
  totalBytes: z.number().int().nonnegative().nullable(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
});

export type PartialDownloadState = z.infer<typeof sidecarSchema>;

export type PartialPaths = { part: string; sidecar: string };

export function partialPathsFor(finalPath: string): PartialPaths {
  return { part: `${finalPath}.part`, sidecar: `${finalPath}.part.json` };
}

/** Reads the sidecar; an unreadable or foreign one counts as absent, so the download restarts. */
export async function readPartialState(paths: PartialPaths): Promise<PartialDownloadState | null> {
  try {
    return sidecarSchema.parse(JSON.parse(await readFile(paths.sidecar, 'utf8')));
  } catch {
    return null;
  }
}

export async function writePartialState(
  paths: PartialPaths,
  state: Omit<PartialDownloadState, 'version'>,
): Promise<void> {
  const body: PartialDownloadState = { version: PARTIAL_DOWNLOAD_VERSION, ...state };
  await writeFile(paths.sidecar, JSON.stringify(body));
}

export async function partialSize(paths: PartialPaths): Promise<number> {
  try {
    return (await stat(paths.part)).size;
  } catch {
    return 0;
  }
}

export async function removePartial(paths: PartialPaths): Promise<void> {
  await Promise.all([rm(paths.part, { force: true }), rm(paths.sidecar, { force: true })]);
}
