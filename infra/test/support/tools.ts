import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The absolute path of a command on the PATH, or undefined. */
export function which(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

export type RunResult = { code: number; stdout: string; stderr: string };

/** Runs a command to its end and returns its exit code and output, whatever the code. */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; input?: string } = {},
): Promise<RunResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, [...args], {
      cwd: options.cwd ?? repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** A tool from the project's node_modules/.bin. */
export const npmBin = (name: string) => `${repoRoot}node_modules/.bin/${name}`;
