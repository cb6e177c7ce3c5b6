import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import cnpgClusterSchema from '../schemas/cnpg-cluster.schema.json' with { type: 'json' };
import { repoRoot, run, which } from './tools';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
};

export const k8sRoot = join(repoRoot, 'infra', 'k8s');

/** Every YAML document of a text, as objects; a parse error fails loudly. */
export function parseYamlDocuments(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length)
      throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value === null ? [] : [value as K8sObject];
  });
}

export type Kustomize = { command: string; args: string[]; version: string };

/**
 * A real Kustomize of version 4 or newer (the overlays use `labels` and inline `patches`):
 * kubectl's built-in one, or a standalone `kustomize`. Debian's kubectl 1.20 carries Kustomize
 * 2.0.3, which cannot render them.
 */
export async function findKustomize(): Promise<Kustomize | { missing: string }> {
  const tried: string[] = [];
  if (which('kubectl')) {
    const { stdout } = await run('kubectl', ['version', '--client']);
    const version = /Kustomize Version: (v[\d.]+)/.exec(stdout)?.[1];
    if (version && Number(version.slice(1).split('.')[0]) >= 4) {
      return { command: 'kubectl', args: ['kustomize'], version: `kubectl kustomize ${version}` };
    }
    tried.push(`kubectl has Kustomize ${version ?? 'of unknown version'}, older than v4`);
  } else tried.push('no kubectl on the PATH');
  if (which('kustomize')) {
    const { stdout } = await run('kustomize', ['version']);
    const version = /v(\d+)\.[\d.]+/.exec(stdout);
    if (version && Number(version[1]) >= 4) {
      return { command: 'kustomize', args: ['build'], version: `kustomize ${version[0]}` };
    }
    tried.push(`kustomize ${stdout.trim()} is older than v4`);
  } else tried.push('no kustomize on the PATH');
  return { missing: tried.join('; ') };
}

export async function render(kustomize: Kustomize, dir: string): Promise<K8sObject[]> {
  const result = await run(kustomize.command, [...kustomize.args, dir]);
  if (result.code !== 0) throw new Error(`${kustomize.version} ${dir} failed:\n${result.stderr}`);
  return parseYamlDocuments(result.stdout, dir);
}

/**
 * What can be checked without Kustomize: the complete objects a kustomization lists as files
 * (and those of the kustomizations it includes). Patches and generators need Kustomize; they are
 * returned as `unrendered` so that the test can say so.
 */
export function readKustomizationFiles(dir: string): {
  objects: K8sObject[];
  unrendered: string[];
} {
  const kustomization = parseYamlDocuments(
    readFileSync(join(dir, 'kustomization.yaml'), 'utf8'),
    dir,
  )[0] as unknown as {
    resources?: string[];
    patches?: unknown[];
    configMapGenerator?: unknown[];
  };
  const objects: K8sObject[] = [];
  const unrendered: string[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) {
      const inner = readKustomizationFiles(path);
      objects.push(...inner.objects);
      unrendered.push(...inner.unrendered);
    } else {
      objects.push(...parseYamlDocuments(readFileSync(path, 'utf8'), path));
    }
  }
  const where = relative(repoRoot, dir);
  if (kustomization.patches?.length)
    unrendered.push(`${where}: ${kustomization.patches.length} patches`);
  if (kustomization.configMapGenerator?.length)
    unrendered.push(`${where}: the generated ConfigMap`);
  return { objects, unrendered };
}

/** The overlays, each a folder with a kustomization.yaml. */
export function overlays(): string[] {
  const root = join(k8sRoot, 'overlays');
  return readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory());
}

// kubernetes-models is CommonJS underneath; require() takes the model's path as it is.
const require = createRequire(import.meta.url);
const ajv = new Ajv({ allErrors: true, strict: true });
const validateCnpgCluster = ajv.compile(cnpgClusterSchema);

/**
 * Validates an object against its API schema: built-in kinds with kubernetes-models' validators
 * (the Kubernetes OpenAPI schemas, offline), CloudNativePG's Cluster with our schema of its CRD.
 * Returns what is wrong, or nothing.
 */
export function validateObject(object: K8sObject): string[] {
  const name = `${object.kind}/${object.metadata.name}`;
  if (object.apiVersion === 'postgresql.cnpg.io/v1' && object.kind === 'Cluster') {
    return validateCnpgCluster(object)
      ? []
      : (validateCnpgCluster.errors ?? []).map((e) => `${name}: ${e.instancePath} ${e.message}`);
  }
  let model: { new (data: unknown): { validate(): void } };
  try {
    const module = require(`kubernetes-models/${object.apiVersion}/${object.kind}`) as Record<
      string,
      { new (data: unknown): { validate(): void } }
    >;
    const found = module[object.kind];
    if (!found) throw new Error('no model');
    model = found;
  } catch {
    return [`${name}: no schema for ${object.apiVersion} ${object.kind}`];
  }
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    return [`${name}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/**
 * kubernetes-models' validators let unknown fields through (a misspelt `readinesProbe` would be
 * ignored by the API server and pass). Its TypeScript interfaces do not: each object is checked
 * as an object literal of its interface by the TypeScript compiler, whose excess-property check
 * refuses any field the API does not define, at every depth. Returns the compiler's complaints,
 * each prefixed with the object's `Kind/name`. One compiler run for all objects: it takes seconds.
 */
export function strictFieldCheck(objects: K8sObject[]): string[] {
  const builtIn = objects.filter((o) => !o.apiVersion.includes('cnpg.io'));
  const file = join(repoRoot, 'infra', 'test', '__rendered_objects__.ts');
  const imports = [...new Set(builtIn.map((o) => `${o.apiVersion}/${o.kind}`))];
  const alias = (o: K8sObject) => `T${imports.indexOf(`${o.apiVersion}/${o.kind}`)}`;
  const source = [
    ...imports.map(
      (path, i) =>
        `import type { I${path.split('/').pop()} as T${i} } from 'kubernetes-models/${path}';`,
    ),
    ...builtIn.map((o, i) => `export const object${i}: ${alias(o)} = ${JSON.stringify(o)};`),
  ].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, language)
      : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === file ? source : readFile(name));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line =
      d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const object = builtIn[line - imports.length];
    const where = object ? `${object.kind}/${object.metadata.name}` : 'rendered objects';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
