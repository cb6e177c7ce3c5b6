import type { WebSocket } from 'ws';

/** The WebSocket close code for a client that broke the server's policy. */
const POLICY_VIOLATION = 1008;

/**
 * Closes a WebSocket that sends more than `perSecond` messages a second on average; bursts of as
 * many pass (a token bucket). The listener runs before tRPC's, and tRPC starts no subscription on
 * a closing socket, so the message that went over costs nothing more.
 */
export function limitMessageRate(
  socket: WebSocket,
  options: { perSecond: number; now: () => number },
): void {
  const { perSecond, now } = options;
  let tokens = perSecond;
  let last = now();
  socket.prependListener('message', () => {
    const at = now();
    tokens = Math.min(perSecond, tokens + ((at - last) / 1000) * perSecond);
    last = at;
    if (tokens >= 1) {
      tokens -= 1;
      return;
    }
    if (socket.readyState === socket.OPEN) {
      socket.close(POLICY_VIOLATION, `Too many messages: at most ${perSecond} per second.`);
    }
  });
}
