import type { ErrorEvent } from '@sentry/electron/main';
import { describe, expect, it } from 'vitest';
import { crashReportOptions, scrubCrashEvent } from './crash-reports';

describe('crash reports', () => {
  it('stay off until the person opts in and gives a DSN', () => {
    expect(
      crashReportOptions({ crashReports: false, crashReportsDsn: 'https://k@o.example/1' }),
    ).toBeNull();
    expect(crashReportOptions({ crashReports: true, crashReportsDsn: null })).toBeNull();
    expect(
      crashReportOptions({ crashReports: true, crashReportsDsn: 'https://k@o.example/1' }),
    ).toEqual({
      dsn: 'https://k@o.example/1',
    });
  });

  it('never carry chat content: no messages, breadcrumbs, extras or error texts', () => {
    const secret = 'my secret prompt about the payroll code';
    const event = {
      type: undefined,
      event_id: 'e1',
      message: secret,
      logentry: { message: secret },
      breadcrumbs: [{ message: secret }],
      extra: { prompt: secret },
      request: { data: secret },
      user: { id: secret },
      tags: { chat: secret },
      contexts: { os: { name: 'Linux' }, app: { app_version: '0.1.0' }, chat: { text: secret } },
      exception: {
        values: [
          {
            type: 'TypeError',
            value: `cannot read ${secret}`,
            stacktrace: { frames: [{ function: 'f' }] },
          },
        ],
      },
    } as unknown as ErrorEvent;
    const scrubbed = scrubCrashEvent(event);
    expect(JSON.stringify(scrubbed)).not.toContain('payroll');
    expect(scrubbed.exception?.values?.[0]).toMatchObject({
      type: 'TypeError',
      value: '[removed]',
      stacktrace: { frames: [{ function: 'f' }] },
    });
    expect(Object.keys(scrubbed.contexts ?? {}).sort()).toEqual(['app', 'os']);
    expect(scrubbed.event_id).toBe('e1');
  });
});
