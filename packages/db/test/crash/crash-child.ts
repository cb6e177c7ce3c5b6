/**
 * The process the crash test kills: it writes messages as fast as it can and acknowledges each
 * commit on stdout. Arguments: <database path> <seed>.
 */
import { writeSync } from 'node:fs';
import { openStore } from '../../src/index';
import { contentFor, seededRandom } from './workload';

const [file, seedText] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: crash-child <database> <seed>');
const random = seededRandom(Number(seedText ?? 1));
// A short interval, so that kills also land while the worker is checkpointing.
const store = openStore({ path: file, checkpoint: { mode: 'worker', intervalMs: 20 } });

const pause = new Int32Array(new SharedArrayBuffer(4));

function ack(line: string): void {
  // Synchronous, so the line is out of the process before the next write starts. The pipe is
  // non-blocking: when the parent is slow to read, wait for room rather than drop the line.
  const bytes = Buffer.from(`${line}\n`);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

let chatId = store.chats.list({ limit: 1 })[0]?.id ?? store.chats.create({ title: 'crash' }).id;
let parentId: string | null = store.messages.listByChat(chatId).at(-1)?.id ?? null;
let inChat = 0;
ack('ready');

for (;;) {
  if (inChat > 300) {
    chatId = store.chats.create({ title: 'crash' }).id;
    parentId = null;
    inChat = 0;
  }
  inChat += 1;
  if (random() < 0.4) {
    const id = store.db.prepare('SELECT lower(hex(randomblob(8))) AS id').pluck().get() as string;
    const chunks = 1 + Math.floor(random() * 30);
    store.messages.append({ id, chatId, parentId, role: 'user', content: contentFor(id, chunks) });
    parentId = id;
    ack(`append ${id} ${chunks}`);
  } else {
    const writer = store.messages.startStreaming({ chatId, parentId });
    const id = writer.messageId;
    parentId = id;
    ack(`stream ${id} 0`);
    const total = 1 + Math.floor(random() * 20);
    for (let chunk = 1; chunk <= total; chunk += 1) {
      writer.setContent(contentFor(id, chunk));
      writer.flush();
      ack(`stream ${id} ${chunk}`);
    }
    writer.finish({ completionTokens: total });
    ack(`done ${id} ${total}`);
  }
}
