import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncServer } from '@codeface/sync-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricNames } from './support/promql';
import { repoRoot, run, which } from './support/tools';

const monitoring = join(repoRoot, 'infra', 'monitoring');
const read = (file: string) => readFileSync(join(monitoring, file), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'codeface-infra-monitoring-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Rule = { alert: string; expr: string; annotations: { runbook: string } };
const rules = (parse(read('alerts.yaml')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);
type Panel = { id?: number; type: string; title: string; targets?: { expr: string }[] };
const dashboard = JSON.parse(read('dashboard.json')) as {
  panels: Panel[];
  templating: { list: { query?: string | { query: string } }[] };
};
const adapter = parse(read('prometheus-adapter.yaml')) as {
  rules: { seriesQuery: string; name: { as: string } }[];
};
const hpa = parse(readFileSync(join(repoRoot, 'infra', 'k8s', 'base', 'hpa.yaml'), 'utf8')) as {
  spec: { metrics: { type: string; pods?: { metric: { name: string } } }[] };
};

/** Metrics the rules read that come from elsewhere than the server, with where from. */
const FROM_ELSEWHERE: Record<string, string> = {
  up: 'Prometheus itself, per scrape target',
  kubelet_volume_stats_available_bytes: "the kubelet (the Postgres volumes' free space)",
  kubelet_volume_stats_capacity_bytes: "the kubelet (the Postgres volumes' size)",
};

// Debian's `prometheus` package has promtool; .ci/run installs it. A developer's machine
// without it skips these checks and says so; CI must have it.
const promtool = which('promtool');
const skipPromtool = !promtool && !process.env.CI;
if (skipPromtool) {
  console.warn(
    'infra/monitoring: promtool is not installed, so the alert rules were NOT checked (apt-get install prometheus).',
  );
}

describe.skipIf(skipPromtool)('infra/monitoring/alerts.yaml, by promtool', () => {
  const promtoolRun = (args: string[]) => run(promtool ?? 'promtool', args, { cwd: monitoring });

  it('passes `promtool check rules`, which refuses a rule that does not parse', async () => {
    const checked = await promtoolRun(['check', 'rules', 'alerts.yaml']);
    expect(checked.stdout + checked.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(checked.code).toBe(0);
    const broken = join(scratch, 'broken.yaml');
    writeFileSync(
      broken,
      'groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(\n',
    );
    expect((await promtoolRun(['check', 'rules', broken])).code).not.toBe(0);
  });

  it('passes its unit tests (`promtool test rules`), one or more for every alert', async () => {
    const tested = await promtoolRun(['test', 'rules', 'alerts.test.yaml']);
    expect(tested.stdout + tested.stderr).toContain('SUCCESS');
    expect(tested.code).toBe(0);
    const tests = parse(read('alerts.test.yaml')) as {
      tests: { alert_rule_test?: { alertname: string }[] }[];
    };
    const covered = new Set(
      tests.tests.flatMap((t) => (t.alert_rule_test ?? []).map((a) => a.alertname)),
    );
    expect(rules.map((r) => r.alert).filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe('docs/operators/monitoring.md', () => {
  const guide = readFileSync(join(repoRoot, 'docs', 'operators', 'monitoring.md'), 'utf8');

  it("has each alert's runbook as a section", () => {
    const anchors = new Set(
      [...guide.matchAll(/^#+ (.+)$/gm)].map((m) =>
        (m[1] ?? '').toLowerCase().replace(/\W+/g, '-'),
      ),
    );
    const broken = rules
      .map((r) => r.annotations.runbook)
      .filter((link) => {
        const [file, anchor] = link.split('#');
        return file !== 'docs/operators/monitoring.md' || !anchors.has(anchor ?? '');
      });
    expect(broken).toEqual([]);
  });
});

describe('infra/monitoring/dashboard.json', () => {
  it('has panels, each with a unique id and a query on the chosen data source', () => {
    const graphs = dashboard.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThan(10);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of graphs) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });
});

describe('every metric the rules, the dashboard and the autoscaler read', () => {
  let exported: Set<string>;
  let ownFamilies: string[] = [];

  beforeAll(async () => {
    // As in the Kubernetes manifests: /metrics on a port of its own, here with a token too.
    const token = 'scrape-token-scrape-token';
    const server = await createSyncServer({
      config: {
        host: '127.0.0.1',
        port: 0,
        metricsPort: 0,
        metricsToken: token,
        tokenSecret: 'infra-test-secret-infra-test-secret-0123',
        logLevel: 'silent',
      },
    });
    try {
      await server.listen();
      const response = await fetch(`${server.metricsUrl}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      const text = await response.text();
      exported = exportedNames(text);
      ownFamilies = [...text.matchAll(/^# TYPE (codeface_sync_\S+) /gm)].map((m) => m[1] ?? '');
    } finally {
      await server.close();
    }
  }, 120_000);

  const used = new Map<string, Set<string>>();
  const use = (where: string, expr: string) => {
    for (const name of metricNames(expr)) used.set(name, (used.get(name) ?? new Set()).add(where));
  };
  for (const rule of rules) use(`alerts.yaml ${rule.alert}`, rule.expr);
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) use(`dashboard.json "${panel.title}"`, target.expr);
  }
  for (const variable of dashboard.templating.list) {
    const query = typeof variable.query === 'object' ? variable.query.query : undefined;
    if (query) use('dashboard.json variables', query.replace(/^label_values\((.*),[^,]*\)$/, '$1'));
  }
  for (const rule of adapter.rules) {
    use('prometheus-adapter.yaml', rule.seriesQuery);
    use('prometheus-adapter.yaml', rule.name.as);
  }
  for (const metric of hpa.spec.metrics) {
    if (metric.pods) use('infra/k8s/base/hpa.yaml', metric.pods.metric.name);
  }

  it('reads names, and the name reader sees through PromQL', () => {
    expect(
      metricNames(
        'sum by (route, le) (rate(a_total{x="b c"}[5m])) / on (pod) b_seconds > 1e-9 and c offset 5m',
      ).sort(),
    ).toEqual(['a_total', 'b_seconds', 'c']);
    expect(used.size).toBeGreaterThan(20);
  });

  it('is exported by the server (scraped from /metrics), or named here with where it comes from', () => {
    const missing = [...used]
      .filter(([name]) => !exported.has(name) && !(name in FROM_ELSEWHERE))
      .map(([name, where]) => `${name} (${[...where].join('; ')})`);
    expect(missing).toEqual([]);
    // And the list of outside metrics holds nothing stale.
    expect(Object.keys(FROM_ELSEWHERE).filter((name) => !used.has(name))).toEqual([]);
  });

  it("and every one of the server's own metrics is described in the operators' guide", () => {
    const guide = readFileSync(join(repoRoot, 'docs', 'operators', 'monitoring.md'), 'utf8');
    expect(ownFamilies.length).toBeGreaterThan(20);
    expect(ownFamilies.filter((name) => !guide.includes(`\`${name}\``))).toEqual([]);
  });
});

/** The sample names a scrape can hold: each family's name, and its histogram's parts. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (!name) continue;
    names.add(name);
    if (type === 'histogram')
      for (const part of ['_bucket', '_sum', '_count']) names.add(name + part);
    if (type === 'summary') for (const part of ['_sum', '_count']) names.add(name + part);
  }
  return names;
}
