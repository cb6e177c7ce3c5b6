import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, createAppProtocolHandler } from './app-protocol';

describe('the app:// protocol', () => {
  let dir: string;
  let empty: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'codeface-renderer-'));
    empty = await mkdtemp(join(tmpdir(), 'codeface-unbuilt-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(dir, 'quick-ask.html'), '<!doctype html><title>quick</title>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  });

  it('sends the CSP with every response, whatever its status', async () => {
    const handle = createAppProtocolHandler(dir);
    const unbuilt = createAppProtocolHandler(empty);
    const cases: Array<[Promise<Response>, number, string | null]> = [
      [handle(new Request('app://codeface/')), 200, 'text/html; charset=utf-8'],
      [handle(new Request('app://codeface/quick-ask.html')), 200, 'text/html; charset=utf-8'],
      [handle(new Request('app://codeface/assets/app.js')), 200, 'text/javascript; charset=utf-8'],
      // An in-app route gets the app's page.
      [handle(new Request('app://codeface/settings')), 200, 'text/html; charset=utf-8'],
      [handle(new Request('app://codeface/..%2f..%2f..%2fetc%2fpasswd')), 400, null],
      [handle(new Request('app://codeface/%00')), 400, null],
      [handle(new Request('app://elsewhere/index.html')), 404, null],
      [unbuilt(new Request('app://codeface/index.html')), 503, null],
    ];
    for (const [pending, status, type] of cases) {
      const response = await pending;
      expect(response.status).toBe(status);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      if (type) expect(response.headers.get('content-type')).toBe(type);
    }
    expect(await (await handle(new Request('app://codeface/settings'))).text()).toContain('app');
  });

  it('allows no inline script, no remote origin, no plugins and no base URL', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
    );
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|'unsafe-eval'/);
  });
});
