import type { ErrorEvent } from '@sentry/electron/main';

/**
 * Crash reports: off until the person turns them on in Settings and gives a DSN (their own
 * Sentry project). What is sent is the error's type and stack frames, the app's version and the
 * OS; never a message text, breadcrumb, request or any other field that could hold chat content.
 */

/** Context fields about the machine and app; everything else is dropped. */
const KEPT_CONTEXTS = ['app', 'os', 'device', 'runtime', 'electron', 'chrome', 'node'];

/** Strips an event down to what cannot carry chat content. */
export function scrubCrashEvent(event: ErrorEvent): ErrorEvent {
  const contexts = Object.fromEntries(
    Object.entries(event.contexts ?? {}).filter(([key]) => KEPT_CONTEXTS.includes(key)),
  );
  return {
    ...event,
    message: undefined,
    logentry: undefined,
    breadcrumbs: undefined,
    extra: undefined,
    request: undefined,
    user: undefined,
    tags: undefined,
    contexts,
    exception: event.exception && {
      values: event.exception.values?.map((value) => ({
        type: value.type,
        // An error's message can quote what it failed on: a prompt, a file's text.
        value: value.value === undefined ? undefined : '[removed]',
        stacktrace: value.stacktrace,
        mechanism: value.mechanism,
      })),
    },
  };
}

/** The crash reporter's options when the person opted in with a DSN, or null (nothing starts). */
export function crashReportOptions(settings: {
  crashReports: boolean;
  crashReportsDsn: string | null;
}): { dsn: string } | null {
  return settings.crashReports && settings.crashReportsDsn
    ? { dsn: settings.crashReportsDsn }
    : null;
}

/**
 * Starts Sentry in the main process (it also collects native crash dumps of every process) when
 * the settings allow it. Loaded only then: an app that never opts in never loads the SDK.
 */
export async function startCrashReports(settings: {
  crashReports: boolean;
  crashReportsDsn: string | null;
}): Promise<boolean> {
  const options = crashReportOptions(settings);
  if (options === null) return false;
  const sentry = await import('@sentry/electron/main');
  sentry.init({
    dsn: options.dsn,
    sendDefaultPii: false,
    attachScreenshot: false,
    beforeBreadcrumb: () => null,
    beforeSend: (event) => scrubCrashEvent(event),
  });
  return true;
}
