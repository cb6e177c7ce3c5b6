import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { describeLocalModel } from './local-models';
import type { LocalModel, LocalModelSource } from './local-models';
import { ModelError } from './model-error';

/** Folders to look in; injectable so tests build a fake home with real GGUF files. */
export type DiscoveryRoots = {
  /** CodeFace's own models folder, where the downloader puts files. */
  downloaded?: string[];
  lmStudio: string[];
  ollama: string[];
  huggingFace: string[];
};

/**
 * The folders each tool uses by default. The app passes `HF_HOME` and `OLLAMA_MODELS` from its
 * env.ts when the person has moved them.
 */
export function defaultDiscoveryRoots(input: {
  home: string;
  hfHome?: string;
  ollamaModels?: string;
  modelsDir?: string;
}): DiscoveryRoots {
  const { home } = input;
  return {
    downloaded: input.modelsDir ? [input.modelsDir] : [],
    lmStudio: [join(home, '.lmstudio', 'models'), join(home, '.cache', 'lm-studio', 'models')],
    ollama: [input.ollamaModels ?? join(home, '.ollama', 'models')],
    huggingFace: [join(input.hfHome ?? join(home, '.cache', 'huggingface'), 'hub')],
  };
}

/** A file that looked like a model but could not be used, with the reason. */
export type DiscoveryProblem = { path: string; source: LocalModelSource; code: string };

export type DiscoveryResult = { models: LocalModel[]; problems: DiscoveryProblem[] };

type Candidate = { path: string; source: LocalModelSource; displayName: string };

const OLLAMA_MODEL_LAYER = 'application/vnd.ollama.image.model';

const ollamaManifestSchema = z.object({
  layers: z.array(z.object({ mediaType: z.string(), digest: z.string() })),
});

/** Only the first part of a split GGUF stands for the model; llama.cpp finds the others. */
const LATER_SPLIT_PART = /-0*([2-9]|\d{2,})-of-\d+\.gguf$/i;

async function listDir(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function findGgufFiles(dir: string, depth: number): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await listDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth > 0) found.push(...(await findGgufFiles(path, depth - 1)));
    else if (
      (entry.isFile() || entry.isSymbolicLink()) &&
      entry.name.toLowerCase().endsWith('.gguf') &&
      !LATER_SPLIT_PART.test(entry.name)
    ) {
      found.push(path);
    }
  }
  return found;
}

/** The downloader writes `<models>/<file>.gguf`; unfinished `.gguf.part` files do not match. */
async function downloadedCandidates(root: string): Promise<Candidate[]> {
  const files = await findGgufFiles(root, 0);
  return files.map((path) => ({ path, source: 'downloaded', displayName: basename(path) }));
}

/** LM Studio keeps `<models>/<publisher>/<repository>/<file>.gguf`. */
async function lmStudioCandidates(root: string): Promise<Candidate[]> {
  const files = await findGgufFiles(root, 3);
  return files.map((path) => ({
    path,
    source: 'lm-studio',
    displayName: path.slice(root.length + 1),
  }));
}

/**
 * Ollama keeps `manifests/<registry>/<namespace>/<model>/<tag>` (JSON) naming content-addressed
 * blobs; the layer with the model media type is a plain GGUF file at `blobs/sha256-<hex>`.
 */
async function ollamaCandidates(root: string): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  const manifests = join(root, 'manifests');
  for (const registry of await listDir(manifests)) {
    for (const namespace of await listDir(join(manifests, registry.name))) {
      for (const model of await listDir(join(manifests, registry.name, namespace.name))) {
        const modelDir = join(manifests, registry.name, namespace.name, model.name);
        for (const tag of await listDir(modelDir)) {
          const manifestPath = join(modelDir, tag.name);
          let layers;
          try {
            const manifest = ollamaManifestSchema.parse(
              JSON.parse(await readFile(manifestPath, 'utf8')),
            );
            layers = manifest.layers;
          } catch {
            continue;
          }
          const layer = layers.find((l) => l.mediaType === OLLAMA_MODEL_LAYER);
          if (!layer) continue;
          const name =
            namespace.name === 'library' ? model.name : `${namespace.name}/${model.name}`;
          candidates.push({
            path: join(root, 'blobs', layer.digest.replace(':', '-')),
            source: 'ollama',
            displayName: `${name}:${tag.name}`,
          });
        }
      }
    }
  }
  return candidates;
}

/** The Hugging Face cache keeps `hub/models--<org>--<name>/snapshots/<revision>/<file>` links. */
async function huggingFaceCandidates(root: string): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  for (const repo of await listDir(root)) {
    if (!repo.isDirectory() || !repo.name.startsWith('models--')) continue;
    const repoName = repo.name.slice('models--'.length).replaceAll('--', '/');
    const snapshots = join(root, repo.name, 'snapshots');
    for (const revision of await listDir(snapshots)) {
      const revisionDir = join(snapshots, revision.name);
      for (const path of await findGgufFiles(revisionDir, 2)) {
        candidates.push({
          path,
          source: 'huggingface-cache',
          displayName: `${repoName}/${path.slice(revisionDir.length + 1)}`,
        });
      }
    }
  }
  return candidates;
}

/**
 * Finds GGUF files other tools already downloaded, reads their metadata, and returns them to be
 * used in place. The same file reached twice (two snapshots, a link) is listed once. Vision
 * projectors (`clip`) are skipped: they are parts of a model, not models.
 */
export async function discoverLocalModels(roots: DiscoveryRoots): Promise<DiscoveryResult> {
  const candidateLists = await Promise.all([
    ...(roots.downloaded ?? []).map(downloadedCandidates),
    ...roots.lmStudio.map(lmStudioCandidates),
    ...roots.ollama.map(ollamaCandidates),
    ...roots.huggingFace.map(huggingFaceCandidates),
  ]);
  const models: LocalModel[] = [];
  const problems: DiscoveryProblem[] = [];
  const seen = new Set<string>();
  for (const candidate of candidateLists.flat()) {
    try {
      const model = await describeLocalModel(candidate);
      if (seen.has(model.realPath) || model.architecture === 'clip') continue;
      seen.add(model.realPath);
      models.push(model);
    } catch (error) {
      const code = error instanceof ModelError ? error.code : 'unreadable-gguf';
      problems.push({ path: candidate.path, source: candidate.source, code });
    }
  }
  return { models, problems };
}
