import { describe, expect, it } from 'vitest';
import { findCatalogEntry, loadCatalog } from './catalog';
import { downloadRequestFor } from './download-request';
import { downloadRequestSchema } from './download/model-downloader';

describe('downloadRequestFor', () => {
  const entry = findCatalogEntry(loadCatalog(), {
    modelId: 'qwen2.5-coder-1.5b-instruct',
    quant: 'Q8_0',
  });

  it('downloads the catalog file under its own name, trusting the server for a rounded size', () => {
    const request = downloadRequestFor(entry);
    expect(request).toEqual({ url: entry.quantisation.url, fileName: entry.quantisation.file });
    expect(downloadRequestSchema.safeParse(request).success).toBe(true);
  });

  it('passes an exact size and a known checksum on', () => {
    const exact = {
      ...entry,
      quantisation: { ...entry.quantisation, sizeApproximate: false, sha256: 'c'.repeat(64) },
    };
    expect(downloadRequestFor(exact)).toMatchObject({
      expectedBytes: entry.quantisation.sizeBytes,
      sha256: 'c'.repeat(64),
    });
  });
});
