import type { CatalogEntry } from './catalog';
import type { DownloadRequest } from './download/model-downloader';

/**
 * The download of one catalog quantisation. A rounded catalog size is not passed on as the
 * expected size (the server's own figure is used), or every download would fail its size check.
 */
export function downloadRequestFor(entry: CatalogEntry): DownloadRequest {
  const { quantisation } = entry;
  return {
    url: quantisation.url,
    fileName: quantisation.file,
    ...(quantisation.sha256 ? { sha256: quantisation.sha256 } : {}),
    ...(quantisation.sizeApproximate ? {} : { expectedBytes: quantisation.sizeBytes }),
  };
}
