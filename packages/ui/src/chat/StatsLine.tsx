import type { ChatMessage, GenerationStats } from '../types';

export function formatStats(stats: GenerationStats): string {
  const ttft =
    stats.ttftMs < 1000
      ? `${Math.round(stats.ttftMs)} ms`
      : `${(stats.ttftMs / 1000).toFixed(1)} s`;
  return `${stats.tokens} tokens · TTFT ${ttft} · ${stats.tokensPerSecond.toFixed(1)} tok/s`;
}

/** The stats of a finished answer, when the message carries them. */
export function statsOf(message: ChatMessage): GenerationStats | null {
  const { tokens, ttftMs, tokensPerSecond } = message;
  if (tokens === null || ttftMs === null || tokensPerSecond === null) return null;
  return { tokens, ttftMs, tokensPerSecond };
}

export function StatsLine({ stats }: { stats: GenerationStats }) {
  return (
    <div className="cf-stats" data-testid="generation-stats">
      {formatStats(stats)}
    </div>
  );
}
