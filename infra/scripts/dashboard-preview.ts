/*
 * A picture of infra/monitoring/dashboard.json with real data, for docs/operators/monitoring.md.
 * Grafana does not install here, so this draws the panels itself, at their grid positions, from
 * what a real Prometheus (Debian's `prometheus`) answers to each panel's own queries while it
 * scrapes a sync server under a minute of traffic: every line drawn is a query the dashboard
 * makes. Writes docs/screenshots/operators-dashboard.png.
 *   npx tsx infra/scripts/dashboard-preview.ts
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataKey, sealChange, utf8ToBytes } from '@codeface/sync/crypto';
import { SYNC_PROTOCOL_VERSION } from '@codeface/sync/protocol';
import { createSyncServer, type AppRouter } from '@codeface/sync-server';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { repoRoot } from '../test/support/tools';

const TRAFFIC_MS = 60_000;
const STEP_S = 2;
const out = join(repoRoot, 'docs', 'screenshots', 'operators-dashboard.png');

type Target = { expr: string; legendFormat?: string };
type Panel = {
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
};
const dashboard = JSON.parse(
  readFileSync(join(repoRoot, 'infra', 'monitoring', 'dashboard.json'), 'utf8'),
) as { title: string; panels: Panel[] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const scratch = mkdtempSync(join(tmpdir(), 'codeface-dashboard-'));
const server = await createSyncServer({
  config: {
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    tokenSecret: 'dashboard-preview-secret-dashboard-prev',
    logLevel: 'silent',
    passwordHashing: { memoryCost: 256, timeCost: 1, parallelism: 1 },
  },
});
await server.listen();
const promPort = await freePort();
writeFileSync(
  join(scratch, 'prometheus.yml'),
  `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: codeface-sync\n    static_configs: [{ targets: ['${new URL(server.metricsUrl).host}'] }]\n`,
);
const prometheus = spawn(
  'prometheus',
  [
    `--config.file=${join(scratch, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(scratch, 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
  ],
  { stdio: 'ignore' },
);
const promApi = `http://127.0.0.1:${promPort}/api/v1`;

try {
  // A minute of traffic: four accounts of three subscribed devices pushing and pulling, and a
  // few refused requests, so that the error and refusal panels have something to show.
  const trpc = `${server.url}/trpc`;
  const call = (procedure: string, body: unknown, token?: string) =>
    fetch(`${trpc}/${procedure}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    }).then(
      async (r) =>
        ((await r.json()) as { result?: { data: { accessToken: string } } }).result?.data,
    );
  const devices: { token: string; key: Uint8Array }[] = [];
  const closers: (() => void)[] = [];
  for (let a = 0; a < 4; a++) {
    const email = `preview-${randomUUID()}@example.test`;
    const password = 'preview-password-1';
    const key = generateDataKey();
    for (let d = 0; d < 3; d++) {
      const session = await call(d === 0 ? 'account.signUp' : 'account.signIn', {
        email,
        password,
        deviceName: `device-${d}`,
        ...(d === 0 ? { wrappedDataKey: 'opaque-wrapped-key' } : {}),
      });
      if (!session) throw new Error('sign-up failed');
      devices.push({ token: session.accessToken, key });
      const wsClient = createWSClient({
        url: trpc.replace('http', 'ws'),
        connectionParams: () => ({
          token: session.accessToken,
          protocol: String(SYNC_PROTOCOL_VERSION),
        }),
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      });
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
      const sub = client.sync.subscribe.subscribe(undefined, { onData: () => undefined });
      closers.push(() => {
        sub.unsubscribe();
        void wsClient.close();
      });
    }
  }
  const started = Date.now();
  for (let i = 0; Date.now() - started < TRAFFIC_MS; i++) {
    const device = devices[i % devices.length];
    if (!device) break;
    const changes = Array.from({ length: 1 + (i % 20) }, () => {
      const id = randomUUID();
      return {
        id,
        deviceId: 'preview',
        ciphertext: sealChange({
          dataKey: device.key,
          changeId: id,
          plaintext: utf8ToBytes('x'.repeat(200)),
        }),
      };
    });
    await call('sync.push', { changes }, device.token);
    const input = encodeURIComponent(JSON.stringify({ cursor: i % 50, limit: 100 }));
    await fetch(`${trpc}/sync.pull?input=${input}`, {
      headers: { authorization: `Bearer ${device.token}` },
    });
    if (i % 15 === 0) await call('sync.push', { changes }, 'not-a-token');
    if (i % 40 === 0) closers.pop()?.();
    await sleep(40);
  }
  await sleep(3000);
  const end = Date.now() / 1000;
  const start = started / 1000;

  // Each panel's queries, as Grafana would send them over this window.
  const series = async (target: Target) => {
    const query = target.expr
      .replaceAll('$__rate_interval', '10s')
      .replaceAll('[1h]', '[1m]')
      .replaceAll('$instance', '.*');
    const url = `${promApi}/query_range?query=${encodeURIComponent(query)}&start=${start}&end=${end}&step=${STEP_S}`;
    const body = (await (await fetch(url)).json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
    return (body.data?.result ?? []).map((r) => ({
      name:
        (target.legendFormat ?? '').replace(
          /\{\{(\w+)\}\}/g,
          (_, label: string) => r.metric[label] ?? '',
        ) || query.slice(0, 40),
      points: r.values
        .map(([t, v]) => [t - start, Number(v)] as const)
        .filter(([, v]) => Number.isFinite(v)),
    }));
  };
  const colors = [
    '#73bf69',
    '#f2cc0c',
    '#5794f2',
    '#ff9830',
    '#f2495c',
    '#b877d9',
    '#8ab8ff',
    '#fade2a',
  ];
  const cell = 30;
  const width = 1440;
  const panelsHtml: string[] = [];
  for (const panel of dashboard.panels) {
    const { x, y, w, h } = panel.gridPos;
    const box = `left:${(x / 24) * width}px;top:${y * cell}px;width:${(w / 24) * width - 8}px;height:${h * cell - 8}px`;
    if (panel.type === 'row') {
      panelsHtml.push(`<div class="row" style="${box}">${panel.title}</div>`);
      continue;
    }
    const lines = (await Promise.all((panel.targets ?? []).map(series))).flat();
    const pw = (w / 24) * width - 24;
    const ph = h * cell - 70;
    const max = Math.max(1e-9, ...lines.flatMap((l) => l.points.map(([, v]) => v)));
    const span = end - start;
    const paths = lines
      .map((line, i) => {
        const d = line.points
          .map(([t, v]) => `${((t / span) * pw).toFixed(1)},${(ph - (v / max) * ph).toFixed(1)}`)
          .join(' ');
        return `<polyline fill="none" stroke="${colors[i % colors.length]}" stroke-width="1.5" points="${d}"/>`;
      })
      .join('');
    const legend = lines
      .slice(0, 6)
      .map((l, i) => `<span style="color:${colors[i % colors.length]}">━ ${l.name}</span>`)
      .join(' ');
    panelsHtml.push(
      `<div class="panel" style="${box}"><div class="title">${panel.title}<span class="max">max ${max.toPrecision(3)}</span></div>` +
        `<svg width="${pw}" height="${ph}">${paths}</svg><div class="legend">${legend || '<i>no data in this run</i>'}</div></div>`,
    );
  }
  const rows = Math.max(...dashboard.panels.map((p) => p.gridPos.y + p.gridPos.h));
  const html = `<!doctype html><html><head><style>
    body{margin:0;background:#111217;color:#ccccdc;font:12px Inter,system-ui,sans-serif}
    h1{font-size:16px;margin:12px 16px}
    .grid{position:relative;margin:0 16px;height:${rows * cell}px}
    .panel{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:2px;padding:6px 8px;box-sizing:border-box;overflow:hidden}
    .row{position:absolute;font-size:14px;font-weight:600;padding-top:6px}
    .title{font-weight:600;margin-bottom:4px;display:flex;justify-content:space-between}
    .max{color:#8e8e8e;font-weight:400}
    .legend{margin-top:4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
    svg{background:repeating-linear-gradient(0deg,#202226 0 1px,transparent 1px 40px)}
  </style></head><body><h1>${dashboard.title} — drawn from Prometheus' answers to the dashboard's queries (1 min of traffic; Grafana not installed here)</h1>
  <div class="grid">${panelsHtml.join('')}</div></body></html>`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: width + 32, height: 900 } });
  await page.setContent(html);
  await page.screenshot({ path: out, fullPage: true });
  await browser.close();
  for (const close of closers) close();
  console.log(`wrote ${out}`);
} finally {
  prometheus.kill('SIGTERM');
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
}
