import type { ChatMessage, GenerationStats } from '../types';

export function formatStats(stats: GenerationStats): string {
  const ttft =
    stats.timeToFirstTokenMs < 1000
      ? `${Math.round(stats.timeToFirstTokenMs)} ms`
      : `${(stats.timeToFirstTokenMs / 1000).toFixed(1)} s`;
  return `${stats.completionTokens} tokens · TTFT ${ttft} · ${stats.tokensPerSecond.toFixed(1)} tok/s`;
}

/** The stats of a finished answer, when the message carries them. */
export function statsOf(message: ChatMessage): GenerationStats | null {
  const { completionTokens, timeToFirstTokenMs, tokensPerSecond } = message;
  if (completionTokens === null || timeToFirstTokenMs === null || tokensPerSecond === null)
    return null;
  return { completionTokens, timeToFirstTokenMs, tokensPerSecond };
}

export function StatsLine({ stats }: { stats: GenerationStats }) {
  return (
    <div className="cf-stats" data-testid="generation-stats">
      {formatStats(stats)}
    </div>
  );
}
