import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh token for one run of the host: 32 random bytes, URL-safe. */
export function createRunToken(randomBytes: (size: number) => Buffer): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Tab secrets kept at most; the oldest goes first (a tab that old reopens with the link). */
const SECRETS_KEPT = 1000;

/**
 * The web host's credentials (decision 0408). Nothing ambient: no cookie, which a browser would
 * send to every server on 127.0.0.1 whatever its port. The run's token (in the printed link) is
 * traded by the page for a secret of its own, which the page keeps in sessionStorage (bound to
 * this origin, port included) and sends in the API WebSocket's connection parameters.
 */
export class HostCredentials {
  private readonly secrets = new Set<string>();

  constructor(
    private readonly token: string,
    private readonly randomBytes: (size: number) => Buffer,
  ) {}

  /** A new tab secret for the run's token; undefined for anything else. */
  trade(authorization: string | undefined): string | undefined {
    const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!sameSecret(this.token, given)) return undefined;
    const secret = createRunToken(this.randomBytes);
    this.secrets.add(secret);
    const oldest = this.secrets.values().next().value;
    if (this.secrets.size > SECRETS_KEPT && oldest !== undefined) this.secrets.delete(oldest);
    return secret;
  }

  /** Whether these WebSocket connection parameters carry a secret this host gave out. */
  accepts(connectionParams: Partial<Record<string, string>> | null): boolean {
    const given = connectionParams?.secret;
    if (given === undefined) return false;
    for (const secret of this.secrets) if (sameSecret(secret, given)) return true;
    return false;
  }
}

export type RequestVerdict = { ok: true } | { ok: false; status: 403; reason: string };

/**
 * Whether a request may reach the host at all. It answers only on 127.0.0.1, but any web page
 * the person has open can still talk to loopback: the Host header must name this host (DNS
 * rebinding) and a browser-sent Origin must be this host's own. Static files carry no data and
 * need no credential; the API needs a tab secret (`HostCredentials`).
 */
export function verifyRequest(
  request: IncomingMessage,
  expected: { origins: readonly string[] },
): RequestVerdict {
  const host = request.headers.host;
  if (host === undefined || !expected.origins.includes(`http://${host}`)) {
    return { ok: false, status: 403, reason: 'unknown host' };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !expected.origins.includes(origin)) {
    return { ok: false, status: 403, reason: 'foreign origin' };
  }
  return { ok: true };
}
