/**
 * Store benchmark: message append latency (with FTS and change log) against a plain
 * better-sqlite3 insert of the same row, and search latency at 100k and 1M messages over a mix
 * of rare, mid-frequency and very common terms, phrases and prefixes. Prints a table and writes
 * bench/results/db.json at the repository root.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Store, openStore } from '../src/index';
import type { EmbeddingRepository } from '../src/embeddings';
import { seededRandom } from '../test/crash/workload';
import { percentile } from '../../../tools/bench/stats';
import { type QueryClass, createCorpus, queryMix } from './corpus';

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.resolve(here, '../../../bench/results/db.json');
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'codeface-db-bench-'));
const corpus = createCorpus(42);

const APPENDS = 5_000;
const SEARCH_REPEATS = 10;
const MESSAGES_PER_CHAT = 200;

function elapsedMicros(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1_000;
}

/**
 * Bulk-loads history the fast way: one transaction, prepared statements, and the FTS index built
 * in one pass afterwards ('rebuild') instead of row by row through the insert trigger.
 */
function loadMessages(store: Store, count: number): number {
  const started = process.hrtime.bigint();
  const trigger = store.db
    .prepare(
      "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'messages_fts_insert'",
    )
    .pluck()
    .get() as string;
  const insertChat = store.db.prepare(
    `INSERT INTO chats (id, title, source, created_at, updated_at, last_activity_at)
     VALUES (?, ?, 'chat', ?, ?, ?)`,
  );
  const insertMessage = store.db.prepare(
    `INSERT INTO messages (id, chat_id, parent_id, role, content, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'done', ?, ?)`,
  );
  const base = store.db.prepare('SELECT count(*) FROM messages').pluck().get() as number;
  store.db.transaction(() => {
    store.db.exec('DROP TRIGGER messages_fts_insert');
    let chatId = '';
    let parentId: string | null = null;
    for (let index = base; index < base + count; index += 1) {
      const time = 1_700_000_000_000 + index * 1_000;
      if (index % MESSAGES_PER_CHAT === 0) {
        chatId = `bench-chat-${index / MESSAGES_PER_CHAT}`;
        insertChat.run(chatId, `Chat ${index}`, time, time, time);
        parentId = null;
      }
      const id = `bench-message-${index}`;
      const role = index % 2 === 0 ? 'user' : 'assistant';
      insertMessage.run(id, chatId, parentId, role, corpus.message(), time, time);
      parentId = id;
    }
    store.db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
    store.db.exec(trigger);
  })();
  return elapsedMicros(started) / 1e6;
}

/**
 * Wall-clock latency of each append, and the CPU time the process spent on it: on a machine
 * with more runnable threads than cores the wall-clock tail is mostly time spent waiting for a
 * core, which the CPU time leaves out.
 */
function measureAppends(store: Store): { wall: number[]; cpu: number[] } {
  const chat = store.chats.create({ title: 'append bench' });
  let parentId: string | null = null;
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let index = 0; index < APPENDS; index += 1) {
    const content = corpus.message();
    const cpuStarted = process.cpuUsage();
    const started = process.hrtime.bigint();
    const message: { id: string } = store.messages.append({
      chatId: chat.id,
      parentId,
      role: index % 2 === 0 ? 'user' : 'assistant',
      content,
    });
    samples.push(elapsedMicros(started));
    const cpuUsed = process.cpuUsage(cpuStarted);
    cpu.push(cpuUsed.user + cpuUsed.system);
    parentId = message.id;
  }
  return { wall: samples, cpu };
}

/** The baseline: the same row into a plain table, no FTS, no change log, same pragmas. */
function measureRawInserts(): number[] {
  const db = new Database(path.join(folder, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    chat_id TEXT NOT NULL, parent_id TEXT, role TEXT NOT NULL, content TEXT NOT NULL,
    status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
  const insert = db.prepare(
    `INSERT INTO messages (id, chat_id, parent_id, role, content, status, created_at, updated_at)
     VALUES (?, 'chat', ?, ?, ?, 'done', ?, ?)`,
  );
  const samples: number[] = [];
  let parentId: string | null = null;
  for (let index = 0; index < APPENDS; index += 1) {
    const content = corpus.message();
    const id = `raw-${index}`;
    const started = process.hrtime.bigint();
    insert.run(id, parentId, index % 2 === 0 ? 'user' : 'assistant', content, index, index);
    samples.push(elapsedMicros(started));
    parentId = id;
  }
  db.close();
  return samples;
}

const VECTORS = 100_000;
const DIMS = 384;
const VECTOR_QUERIES = 10;

/** Random unit vectors for the first 100k messages, bulk-inserted in one transaction. */
function loadEmbeddings(store: Store): void {
  const random = seededRandom(7);
  const ids = store.db
    .prepare('SELECT id FROM messages ORDER BY seq LIMIT ?')
    .pluck()
    .all(VECTORS) as string[];
  const insert = store.db.prepare(
    "INSERT INTO embeddings (message_id, model, dims, vector, created_at) VALUES (?, 'bench', ?, ?, 0)",
  );
  store.db.transaction(() => {
    for (const id of ids) insert.run(id, DIMS, Buffer.from(randomUnitVector(random).buffer));
  })();
}

function randomUnitVector(random: () => number): Float32Array {
  const vector = new Float32Array(DIMS);
  let norm = 0;
  for (let index = 0; index < DIMS; index += 1) {
    const value = random() * 2 - 1;
    vector[index] = value;
    norm += value * value;
  }
  return vector.map((value) => value / Math.sqrt(norm));
}

function measureNearest(embeddings: EmbeddingRepository): number[] {
  const random = seededRandom(11);
  const samples: number[] = [];
  // The first search over all chats builds the in-memory index (decisions 0108, 0490); it is a
  // one-off per process, so it is left out of the per-query figures.
  embeddings.nearest(randomUnitVector(random), { model: 'bench', k: 20 });
  for (let query = 0; query < VECTOR_QUERIES; query += 1) {
    const vector = randomUnitVector(random);
    const started = process.hrtime.bigint();
    embeddings.nearest(vector, { model: 'bench', k: 20 });
    samples.push(elapsedMicros(started) / 1_000);
  }
  return samples;
}

type SearchSamples = Map<QueryClass, number[]>;

function measureSearch(store: Store): SearchSamples {
  const samples: SearchSamples = new Map();
  const mix = queryMix();
  // One untimed pass warms the page cache, as a running app would have it.
  for (const { query } of mix) store.search(query, { limit: 20 });
  for (let repeat = 0; repeat < SEARCH_REPEATS; repeat += 1) {
    for (const { queryClass, query } of mix) {
      const started = process.hrtime.bigint();
      store.search(query, { limit: 20 });
      const list = samples.get(queryClass) ?? [];
      list.push(elapsedMicros(started) / 1_000);
      samples.set(queryClass, list);
    }
  }
  return samples;
}

/** Searches inside one chat (oldest, middle, newest), for common and rare terms. */
function measureSearchInChat(store: Store): number[] {
  const chats = store.db
    .prepare("SELECT id FROM chats WHERE id LIKE 'bench-chat-%' ORDER BY rowid")
    .pluck()
    .all() as string[];
  const picks = [chats[0], chats[Math.floor(chats.length / 2)], chats.at(-1)].filter(
    (id): id is string => id !== undefined,
  );
  const samples: number[] = [];
  for (let repeat = 0; repeat < SEARCH_REPEATS; repeat += 1) {
    for (const chatId of picks) {
      for (const query of ['function', 'midterm3', 'rareword5', 'func*']) {
        const started = process.hrtime.bigint();
        store.search(query, { chatId, limit: 20 });
        samples.push(elapsedMicros(started) / 1_000);
      }
    }
  }
  return samples;
}

function allSamples(samples: SearchSamples): number[] {
  return [...samples.values()].flat();
}

function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}

async function main(): Promise<void> {
  const store = openStore({ path: path.join(folder, 'bench.db'), deviceId: 'bench' });
  const rows: string[][] = [];
  try {
    const load100k = loadMessages(store, 100_000);
    await store.checkpoint();
    const { wall: appends, cpu: appendsCpu } = measureAppends(store);
    // The same appends with SQLite's own checkpoint inside the commit that fills the WAL, to
    // show what the background checkpointer buys (decision 0105).
    store.db.pragma('wal_autocheckpoint = 1000');
    const appendsInline = measureAppends(store).wall;
    store.db.pragma('wal_autocheckpoint = 0');
    const raw = measureRawInserts();
    await store.checkpoint();
    const at100k = measureSearch(store);
    loadEmbeddings(store);
    // A running app has had its WAL checkpointed long since; bulk loads leave it full.
    await store.checkpoint();
    const nearest = measureNearest(store.embeddings);
    const load1m = loadMessages(store, 900_000);
    await store.checkpoint();
    const at1m = measureSearch(store);
    const inChat1m = measureSearchInChat(store);

    const result = {
      append_p50_us: round(percentile(appends, 50), 1),
      append_p99_us: round(percentile(appends, 99), 1),
      append_cpu_p50_us: round(percentile(appendsCpu, 50), 1),
      append_cpu_p99_us: round(percentile(appendsCpu, 99), 1),
      append_p99_us_inline_checkpoint: round(percentile(appendsInline, 99), 1),
      raw_insert_p50_us: round(percentile(raw, 50), 1),
      raw_insert_p99_us: round(percentile(raw, 99), 1),
      search_p50_ms: round(percentile(allSamples(at100k), 50)),
      search_p95_ms: round(percentile(allSamples(at100k), 95)),
      search_p50_ms_1m: round(percentile(allSamples(at1m), 50)),
      search_p95_ms_1m: round(percentile(allSamples(at1m), 95)),
      search_p95_ms_1m_common: round(percentile(at1m.get('common') ?? [], 95)),
      search_in_chat_p95_ms_1m: round(percentile(inChat1m, 95)),
      search_p95_ms_1m_by_class: Object.fromEntries(
        [...at1m].map(([queryClass, list]) => [queryClass, round(percentile(list, 95))]),
      ),
      vector_knn_p50_ms_100k_384: round(percentile(nearest, 50), 1),
      vector_knn_p95_ms_100k_384: round(percentile(nearest, 95), 1),
      load_seconds_100k: round(load100k, 1),
      load_seconds_900k: round(load1m, 1),
      appends: APPENDS,
      search_repeats: SEARCH_REPEATS,
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`,
      // Tail latencies of sub-millisecond operations mostly measure the scheduler when the
      // machine is oversubscribed: the load average says how busy it was.
      load_average_1m: round(os.loadavg()[0] ?? 0, 2),
      append_over_1ms_share: round(
        appends.filter((micros) => micros > 1_000).length / appends.length,
        4,
      ),
      measured_at: new Date().toISOString(),
    };

    rows.push([
      'append (FTS + change log)',
      `${result.append_p50_us} µs`,
      `p99 ${result.append_p99_us} µs`,
    ]);
    rows.push([
      'append, CPU time',
      `${result.append_cpu_p50_us} µs`,
      `p99 ${result.append_cpu_p99_us} µs`,
    ]);
    rows.push([
      'append, inline checkpoints',
      `${round(percentile(appendsInline, 50), 1)} µs`,
      `p99 ${result.append_p99_us_inline_checkpoint} µs`,
    ]);
    rows.push([
      'raw insert (baseline)',
      `${result.raw_insert_p50_us} µs`,
      `p99 ${result.raw_insert_p99_us} µs`,
    ]);
    rows.push([
      `k-NN ${VECTORS / 1000}k × ${DIMS} (in-memory index)`,
      `${result.vector_knn_p50_ms_100k_384} ms`,
      `p95 ${result.vector_knn_p95_ms_100k_384} ms`,
    ]);
    for (const [label, samples] of [
      ['100k', at100k],
      ['1M', at1m],
    ] as const) {
      for (const [queryClass, list] of samples) {
        rows.push([
          `search ${label} ${queryClass}`,
          `${round(percentile(list, 50))} ms`,
          `p95 ${round(percentile(list, 95))} ms`,
        ]);
      }
      rows.push([
        `search ${label} all`,
        `${round(percentile(allSamples(samples), 50))} ms`,
        `p95 ${round(percentile(allSamples(samples), 95))} ms`,
      ]);
    }
    rows.push([
      'search 1M within one chat',
      `${round(percentile(inChat1m, 50))} ms`,
      `p95 ${result.search_in_chat_p95_ms_1m} ms`,
    ]);
    console.log(`${'measure'.padEnd(30)}${'p50'.padStart(14)}${'tail'.padStart(18)}`);
    for (const [label, p50, tail] of rows) {
      console.log(
        `${(label ?? '').padEnd(30)}${(p50 ?? '').padStart(14)}${(tail ?? '').padStart(18)}`,
      );
    }
    console.log(
      `loaded 100k in ${result.load_seconds_100k} s, 900k more in ${result.load_seconds_900k} s`,
    );
    fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
    fs.writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${resultsFile}`);
  } finally {
    store.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

await main();
