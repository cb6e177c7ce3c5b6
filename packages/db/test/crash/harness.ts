import Database from 'better-sqlite3-multiple-ciphers';
import { build } from 'esbuild';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Ack, chunksIn, parseAck, seededRandom } from './workload';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '../..');

/**
 * Bundles the child into one plain-JS file, so each of hundreds of spawns costs a Node start and
 * not a TypeScript loader start as well. It lives under the package so the native SQLite module
 * resolves from node_modules as usual.
 */
export async function buildChild(): Promise<string> {
  const outfile = path.join(packageRoot, '.cache', `crash-child-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(here, 'crash-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3-multiple-ciphers'],
    logLevel: 'silent',
  });
  return outfile;
}

type Expectation = Ack;

export type CampaignOptions = {
  kills: number;
  file: string;
  seed: number;
  childScript: string;
  /** Longest random wait before a kill, in ms; some kills also land during start-up. */
  maxDelayMs?: number;
  onProgress?: (done: number, acked: number) => void;
};

export type CampaignResult = {
  kills: number;
  ackedMessages: number;
  acks: number;
  /** The last acknowledgement of each message, as checked after every kill. */
  expected: Map<string, Ack>;
};

export class CrashCheckError extends Error {}

function runOnce(options: {
  childScript: string;
  file: string;
  seed: number;
  delayMs: number;
  killDuringStart: boolean;
}): Promise<{ acks: Ack[]; sawReady: boolean }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [options.childScript, options.file, String(options.seed)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let buffered = '';
    let stderr = '';
    let sawReady = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const acks: Ack[] = [];
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    if (options.killDuringStart) timer = setTimeout(kill, options.delayMs);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (data: string) => {
      buffered += data;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') {
          sawReady = true;
          if (!options.killDuringStart) timer = setTimeout(kill, options.delayMs);
          continue;
        }
        const ack = parseAck(line);
        if (ack !== null) acks.push(ack);
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (data: string) => {
      stderr += data;
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new CrashCheckError(`crash child exited by itself (${String(signal)}): ${stderr}`));
        return;
      }
      // A partial last line was never acknowledged: the child died while printing it.
      resolve({ acks, sawReady });
    });
  });
}

/** Checks the file as the killed child left it, before any store code touches it. */
export function verifyAfterKill(file: string, expected: Map<string, Expectation>): void {
  const db = new Database(file);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new CrashCheckError(`integrity_check: ${String(integrity)}`);
    const migrated = db.pragma('user_version', { simple: true }) !== 0;
    // A kill during the very first start can land after SQLite made the file and before the first
    // migration committed: an empty, sound file is then the right result, as long as no write
    // was acknowledged yet.
    if (!migrated) {
      if (expected.size === 0) return;
      throw new CrashCheckError(`the schema is gone after ${expected.size} acknowledged messages`);
    }
    const rows = db
      .prepare<[], { id: string; content: string; status: string }>(
        'SELECT id, content, status FROM messages',
      )
      .all();
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const ack of expected.values()) {
      const row = byId.get(ack.id);
      if (row === undefined) throw new CrashCheckError(`acknowledged message ${ack.id} is missing`);
      const chunks = chunksIn(ack.id, row.content);
      // A streaming message may have moved on past its last acknowledgement, never back.
      const exact = ack.kind !== 'stream';
      if (chunks === null || (exact ? chunks !== ack.chunks : chunks < ack.chunks)) {
        throw new CrashCheckError(
          `message ${ack.id}: acknowledged ${ack.kind} with ${ack.chunks} chunks, found ${String(chunks)} (${row.status})`,
        );
      }
      if (exact && row.status !== 'done') {
        throw new CrashCheckError(`message ${ack.id} was acknowledged done but is ${row.status}`);
      }
    }
  } finally {
    db.close();
  }
}

/**
 * The seed of a crash run: `CODEFACE_CRASH_SEED` when set (to replay a failed run), else a new one.
 * The seed fixes each round's workload and kill delay; where a kill lands still depends on the
 * machine's timing, so a replay repeats the same schedule rather than the same instant.
 */
export function crashSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.CODEFACE_CRASH_SEED;
  if (given === undefined || given === '') return Date.now() % 1_000_000;
  const seed = Number(given);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(
      `CODEFACE_CRASH_SEED must be a whole number ≥ 0, such as 4711; got "${given}".`,
    );
  }
  return seed;
}

/** Kills the writer `kills` times at random moments, checking the file after every kill. */
export async function runCrashCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const random = seededRandom(options.seed);
  const maxDelay = options.maxDelayMs ?? 40;
  const expected = new Map<string, Expectation>();
  let acks = 0;
  fs.mkdirSync(path.dirname(options.file), { recursive: true });
  for (let round = 0; round < options.kills; round += 1) {
    const killDuringStart = random() < 0.1;
    const result = await runOnce({
      childScript: options.childScript,
      file: options.file,
      seed: Math.floor(random() * 2 ** 31),
      delayMs: Math.floor(random() * (killDuringStart ? 150 : maxDelay)),
      killDuringStart,
    });
    for (const ack of result.acks) expected.set(ack.id, ack);
    acks += result.acks.length;
    try {
      if (fs.existsSync(options.file)) verifyAfterKill(options.file, expected);
    } catch (error) {
      if (!(error instanceof CrashCheckError)) throw error;
      throw new CrashCheckError(
        `${error.message} (after kill ${round + 1} of the run with seed ${options.seed})`,
      );
    }
    options.onProgress?.(round + 1, expected.size);
  }
  return { kills: options.kills, ackedMessages: expected.size, acks, expected };
}
