const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** Remaining time of a download at its current rate; null when the rate is unknown. */
export function formatEta(remainingBytes: number, bytesPerSecond: number): string | null {
  if (bytesPerSecond <= 0 || !Number.isFinite(bytesPerSecond)) return null;
  return formatDuration(remainingBytes / bytesPerSecond);
}

export function formatDuration(totalSeconds: number): string {
  const seconds = Math.ceil(totalSeconds);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const COUNT = new Intl.NumberFormat('en');

/** 12,345. One formatter for every count: `toLocaleString` builds a new one on every call. */
export function formatCount(count: number): string {
  return COUNT.format(count);
}
