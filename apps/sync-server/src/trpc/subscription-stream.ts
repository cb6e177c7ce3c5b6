/**
 * A subscription's stream as the transport sees it. tRPC maps what a procedure throws before it
 * returns its stream; an error the stream throws later (a device revoked, a token expired)
 * reaches the transport raw, where it would become a 500. This wrapper passes every such error
 * through `mapError`, and calls `onEnd` once however the stream ends: done, failed, or stopped
 * by the client before or after its first event.
 */
export function guardStream<T>(
  source: AsyncIterable<T>,
  options: { mapError: (error: unknown) => unknown; onEnd: () => void },
): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = source[Symbol.asyncIterator]();
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        options.onEnd();
      };
      return {
        async next() {
          try {
            const result = await iterator.next();
            if (result.done) end();
            return result;
          } catch (error) {
            end();
            throw options.mapError(error);
          }
        },
        async return(value?: unknown) {
          end();
          const result = await iterator.return?.(value);
          return result ?? { done: true, value: undefined };
        },
      };
    },
  };
}
