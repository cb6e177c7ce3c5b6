import { createHash } from 'node:crypto';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureTinyModel } from '@codeface/inference/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDiscoveryRoots, discoverLocalModels } from '../src/models/discovery';
import { importGgufFile } from '../src/models/local-models';

let home: string;
let tinyPath: string;
let tinyDigest: string;

async function place(path: string, from?: string) {
  await mkdir(dirname(path), { recursive: true });
  if (from) await copyFile(from, path);
}

/**
 * A home folder laid out the way LM Studio, Ollama and the Hugging Face cache lay theirs out,
 * holding real GGUF files (the tiny fixture) and a few that are not usable.
 */
async function buildFakeHome() {
  home = await mkdtemp(join(tmpdir(), 'codeface-home-'));
  await place(join(home, '.lmstudio/models/lmstudio-community/Tiny-GGUF/tiny-Q8_0.gguf'), tinyPath);
  await place(join(home, '.lmstudio/models/someone/Broken-GGUF/broken.gguf'));
  await writeFile(join(home, '.lmstudio/models/someone/Broken-GGUF/broken.gguf'), 'not a model');
  await place(join(home, '.lmstudio/models/someone/Split-GGUF/big-00002-of-00002.gguf'), tinyPath);

  const ollama = join(home, '.ollama/models');
  await place(join(ollama, 'blobs', `sha256-${tinyDigest}`), tinyPath);
  const manifest = (digest: string) =>
    JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: 'sha256:00' },
      layers: [
        { mediaType: 'application/vnd.ollama.image.template', digest: 'sha256:11', size: 10 },
        { mediaType: 'application/vnd.ollama.image.model', digest, size: 1 },
      ],
    });
  const manifests = join(ollama, 'manifests/registry.ollama.ai');
  await place(join(manifests, 'library/tiny/latest'));
  await writeFile(join(manifests, 'library/tiny/latest'), manifest(`sha256:${tinyDigest}`));
  await place(join(manifests, 'someone/gone/q4'));
  await writeFile(join(manifests, 'someone/gone/q4'), manifest(`sha256:${'0'.repeat(64)}`));

  const modelsDir = join(home, 'codeface-models');
  await place(join(modelsDir, 'tiny-Q4_K_M.gguf'), tinyPath);
  await place(join(modelsDir, 'half-Q8_0.gguf.part'), tinyPath);

  const hfRepo = join(home, '.cache/huggingface/hub/models--org--Tiny-GGUF');
  await place(join(hfRepo, 'blobs', tinyDigest), tinyPath);
  for (const revision of ['aaaa', 'bbbb']) {
    await mkdir(join(hfRepo, 'snapshots', revision), { recursive: true });
    await symlink(
      join('..', '..', 'blobs', tinyDigest),
      join(hfRepo, 'snapshots', revision, 'tiny.gguf'),
    );
  }
}

beforeAll(async () => {
  tinyPath = await ensureTinyModel();
  tinyDigest = createHash('sha256')
    .update(await readFile(tinyPath))
    .digest('hex');
  await buildFakeHome();
});
afterAll(() => rm(home, { recursive: true, force: true }));

describe('discoverLocalModels', () => {
  it('finds GGUF files from its own folder, LM Studio, Ollama and the Hugging Face cache, in place', async () => {
    const { models, problems } = await discoverLocalModels(
      defaultDiscoveryRoots({ home, modelsDir: join(home, 'codeface-models') }),
    );

    const byName = Object.fromEntries(models.map((m) => [m.displayName, m]));
    expect(Object.keys(byName).sort()).toEqual([
      'lmstudio-community/Tiny-GGUF/tiny-Q8_0.gguf',
      'org/Tiny-GGUF/tiny.gguf',
      'tiny-Q4_K_M.gguf',
      'tiny:latest',
    ]);
    expect(byName['tiny-Q4_K_M.gguf']?.source).toBe('downloaded');
    expect(byName['tiny:latest']).toMatchObject({
      source: 'ollama',
      path: join(home, '.ollama/models/blobs', `sha256-${tinyDigest}`),
    });
    expect(byName['org/Tiny-GGUF/tiny.gguf']).toMatchObject({
      source: 'huggingface-cache',
      realPath: join(home, '.cache/huggingface/hub/models--org--Tiny-GGUF/blobs', tinyDigest),
    });
    for (const model of models) {
      expect(model.path.startsWith(home)).toBe(true);
      expect(model).toMatchObject({
        architecture: 'llama',
        contextLength: 4096,
        quantisation: 'F32',
      });
      expect(model.chatTemplate).toContain('<|im_start|>');
      expect(model.parameters).toBeGreaterThan(0);
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: join(home, '.lmstudio/models/someone/Broken-GGUF/broken.gguf'),
          source: 'lm-studio',
          code: 'not-gguf',
        },
        {
          path: join(home, '.ollama/models/blobs', `sha256-${'0'.repeat(64)}`),
          source: 'ollama',
          code: 'not-found',
        },
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it('finds nothing, without failing, in a home with none of these folders', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'codeface-empty-home-'));
    try {
      expect(await discoverLocalModels(defaultDiscoveryRoots({ home: empty }))).toEqual({
        models: [],
        problems: [],
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('importGgufFile', () => {
  it('registers a picked file where it lies, without copying it', async () => {
    const picked = join(home, '.lmstudio/models/lmstudio-community/Tiny-GGUF/tiny-Q8_0.gguf');
    const before = await readdir(dirname(picked));
    const model = await importGgufFile(picked);
    expect(model).toMatchObject({
      source: 'imported',
      path: picked,
      realPath: picked,
      displayName: 'tiny-Q8_0.gguf',
      architecture: 'llama',
    });
    expect(model.id).toMatch(/^local-[0-9a-f]{16}$/);
    expect(await readdir(dirname(picked))).toEqual(before);
    expect((await importGgufFile(picked)).id).toBe(model.id);
  });

  it('refuses a file that is not a GGUF model', async () => {
    await expect(
      importGgufFile(join(home, '.lmstudio/models/someone/Broken-GGUF/broken.gguf')),
    ).rejects.toMatchObject({ code: 'not-gguf' });
  });
});
