import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  findKustomize,
  k8sRoot,
  overlays,
  readKustomizationFiles,
  render,
  strictFieldCheck,
  validateObject,
  type K8sObject,
} from './support/kubernetes';

const dirs = ['base', ...overlays().map((o) => `overlays/${o}`)];
const kustomize = await findKustomize();
const found = 'missing' in kustomize ? undefined : kustomize;
if ('missing' in kustomize) {
  const unrendered = dirs.flatMap((dir) => readKustomizationFiles(join(k8sRoot, dir)).unrendered);
  console.warn(
    `infra/k8s: no Kustomize v4+ here (${kustomize.missing}); the complete files were validated, NOT rendered: ${[...new Set(unrendered)].join(', ')}`,
  );
}

type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
};
type Pod = {
  spec: {
    replicas?: number;
    template: {
      spec: {
        automountServiceAccountToken?: boolean;
        securityContext?: Record<string, unknown>;
        topologySpreadConstraints?: { topologyKey: string }[];
        containers: {
          name: string;
          env?: EnvVar[];
          readinessProbe?: { httpGet?: { path: string } };
          livenessProbe?: { httpGet?: { path: string } };
          startupProbe?: { httpGet?: { path: string } };
          securityContext?: Record<string, unknown>;
          resources?: { requests?: Record<string, string> };
        }[];
      };
    };
  };
};

const byKind = (objects: K8sObject[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const server = (objects: K8sObject[]) => {
  const deployment = byKind(objects, 'Deployment', 'codeface-sync')[0] as unknown as
    Pod | undefined;
  const container = deployment?.spec.template.spec.containers.find((c) => c.name === 'sync-server');
  if (!deployment || !container) throw new Error('no codeface-sync Deployment with its container');
  return { deployment, container, pod: deployment.spec.template.spec };
};
const envVar = (objects: K8sObject[], name: string) =>
  server(objects).container.env?.find((e) => e.name === name);

/** A Deployment with a wrong type and a misspelt field, to show that both checks catch them. */
const canary: K8sObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'strict-check-canary' },
  spec: {
    replicas: 'three',
    selector: { matchLabels: { a: 'b' } },
    template: {
      metadata: { labels: { a: 'b' } },
      spec: { containers: [{ name: 'c', image: 'i', readinesProbe: {} }] },
    },
  },
};
const rendered = new Map<string, K8sObject[]>();
let strictProblems: string[] = [];

// Rendered once; the compiler's strict check runs once over every object and the canary.
beforeAll(async () => {
  for (const dir of dirs) {
    const path = join(k8sRoot, dir);
    rendered.set(dir, found ? await render(found, path) : readKustomizationFiles(path).objects);
  }
  strictProblems = strictFieldCheck([...[...rendered.values()].flat(), canary]);
}, 120_000);
const objectsOf = (dir: string) => rendered.get(dir) ?? [];

describe('the validators', () => {
  it('refuse a wrong type, a misspelt field and an unknown CloudNativePG field', () => {
    expect(validateObject(canary).join()).toMatch(/replicas must be integer/);
    expect(
      strictProblems.filter((p) => p.startsWith('Deployment/strict-check-canary')).join('\n'),
    ).toMatch(/'"readinesProbe"' does not exist in type 'IContainer'/);
    const cluster: K8sObject = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'db' },
      spec: { instances: 0, storge: { size: '1Gi' } },
    };
    const problems = validateObject(cluster).join('\n');
    expect(problems).toMatch(/instances must be >= 1/);
    expect(problems).toMatch(/additional properties/);
  });
});

describe.each(dirs)('infra/k8s/%s', (dir) => {
  it(`${found ? `renders with ${found.version} into` : 'has'} objects valid against the Kubernetes schemas, with no unknown field`, () => {
    const objects = objectsOf(dir);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(validateObject)).toEqual([]);
    const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}:`));
    expect(strictProblems.filter((p) => [...names].some((n) => p.startsWith(n)))).toEqual([]);
  });

  it('runs the server non-root on a read-only root, with no capabilities, probed on /readyz, /healthz and at start-up', () => {
    const { container, pod } = server(objectsOf(dir));
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.startupProbe?.httpGet?.path).toBe('/healthz');
    expect(container.resources?.requests).toHaveProperty('cpu');
    expect(pod.topologySpreadConstraints?.map((t) => t.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
  });

  it('takes DATABASE_URL, REDIS_URL, TOKEN_SECRET and SENTRY_DSN from Secrets, never as literals', () => {
    const objects = objectsOf(dir);
    for (const name of ['DATABASE_URL', 'TOKEN_SECRET', 'SENTRY_DSN']) {
      expect(envVar(objects, name)?.valueFrom?.secretKeyRef, name).toBeDefined();
    }
    const redis = envVar(objects, 'REDIS_URL');
    // The prod overlay's own Redis has no password: its address is not a secret.
    if (redis?.value !== undefined) expect(redis.value).toBe('redis://codeface-sync-redis:6379');
    else expect(redis?.valueFrom?.secretKeyRef).toBeDefined();
  });

  it('lets the pods reach only Postgres, Redis and DNS', () => {
    const policy = byKind(objectsOf(dir), 'NetworkPolicy', 'codeface-sync')[0] as unknown as {
      spec: { policyTypes: string[]; egress: { ports: { port: number }[] }[] };
    };
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.egress.map((rule) => rule.ports.map((p) => p.port))).toEqual([
      [5432],
      [6379],
      [53, 53],
    ]);
  });
});

describe.skipIf(!found)(
  found ? 'the overlays, rendered' : 'the overlays, NOT rendered: no Kustomize v4+ here',
  () => {
    it('dev: one replica on PGlite in a volume, replaced rather than overlapped, no autoscaler', () => {
      const objects = objectsOf('overlays/dev');
      const { deployment } = server(objects);
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.spec).toMatchObject({ strategy: { type: 'Recreate' } });
      expect(envVar(objects, 'DATABASE_URL')?.valueFrom?.secretKeyRef?.optional).toBe(true);
      expect(envVar(objects, 'TOKEN_SECRET')?.valueFrom?.secretKeyRef?.optional).toBe(true);
      expect(byKind(objects, 'PersistentVolumeClaim')).toHaveLength(1);
      expect(byKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
      expect(byKind(objects, 'Ingress')).toEqual([]);
    });

    it('prod: 3+ replicas scaled on CPU and WebSockets, CloudNativePG with a replica, Redis without persistence, TLS by cert-manager', () => {
      const objects = objectsOf('overlays/prod');
      expect(server(objects).deployment.spec.replicas).toBeGreaterThanOrEqual(3);
      expect(byKind(objects, 'HorizontalPodAutoscaler')[0]).toMatchObject({
        spec: {
          minReplicas: 3,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu' } },
            { type: 'Pods', pods: { metric: { name: 'codeface_sync_websocket_connections' } } },
          ],
        },
      });
      expect(byKind(objects, 'Cluster', 'codeface-sync-db')[0]).toMatchObject({
        spec: { instances: 2 },
      });
      expect(envVar(objects, 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
        name: 'codeface-sync-db-app',
        key: 'uri',
        optional: false,
      });
      expect(envVar(objects, 'TOKEN_SECRET')?.valueFrom?.secretKeyRef?.optional).toBeUndefined();
      const redis = byKind(objects, 'Deployment', 'codeface-sync-redis')[0] as unknown as Pod;
      expect(redis.spec.template.spec.containers[0]).toMatchObject({
        args: expect.arrayContaining(['--save', '', '--appendonly', 'no']) as unknown,
      });
      expect(byKind(objects, 'Ingress')[0]?.metadata).toMatchObject({
        annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
      });
      expect(byKind(objects, 'PodDisruptionBudget')).toHaveLength(1);
      expect(new Set(objects.map((o) => o.metadata.namespace ?? 'codeface'))).toEqual(
        new Set(['codeface']),
      );
    });
  },
);
