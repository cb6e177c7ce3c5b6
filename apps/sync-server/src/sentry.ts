import * as Sentry from '@sentry/node';
import { scrubText, scrubUrl } from './http/scrub';

/** The request headers an error report may carry; none of them is a credential. */
const REPORTED_HEADERS = ['user-agent', 'content-type', 'content-length', 'x-request-id'];

/**
 * Reports unexpected errors to Sentry with the same scrubbing as the logs: no bodies, cookies,
 * query strings, local variables, user or credential headers are collected, and what is sent
 * passes `scrubErrorEvent` last, whatever an integration added.
 */
export function startErrorReporting(dsn: string): {
  reportError: (error: unknown) => void;
  close: () => Promise<void>;
} {
  Sentry.init({
    dsn,
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: { request: { allow: REPORTED_HEADERS }, response: false },
      httpBodies: [],
      urlQueryParams: false,
      stackFrameVariables: false,
      databaseQueryData: false,
    },
    beforeSend: (event) => scrubErrorEvent(event),
    beforeBreadcrumb: scrubBreadcrumb,
  });
  return {
    reportError: (error) => Sentry.captureException(error),
    close: async () => {
      await Sentry.close(2000);
    },
  };
}

export function scrubErrorEvent<E extends Sentry.ErrorEvent>(event: E): E {
  const request = event.request;
  return {
    ...event,
    user: undefined,
    ...(event.message === undefined ? {} : { message: scrubText(event.message) }),
    ...(request
      ? {
          request: {
            method: request.method,
            ...(request.url === undefined ? {} : { url: scrubUrl(request.url) }),
            headers: Object.fromEntries(
              Object.entries(request.headers ?? {}).filter(([name]) =>
                REPORTED_HEADERS.includes(name.toLowerCase()),
              ),
            ),
          },
        }
      : {}),
    ...(event.exception?.values
      ? {
          exception: {
            ...event.exception,
            values: event.exception.values.map((value) => ({
              ...value,
              ...(value.value === undefined ? {} : { value: scrubText(value.value) }),
            })),
          },
        }
      : {}),
    breadcrumbs: event.breadcrumbs?.map(scrubBreadcrumb),
  };
}

function scrubBreadcrumb(crumb: Sentry.Breadcrumb): Sentry.Breadcrumb {
  return {
    ...crumb,
    ...(crumb.message === undefined ? {} : { message: scrubText(crumb.message) }),
    ...(typeof crumb.data?.url === 'string'
      ? { data: { ...crumb.data, url: scrubUrl(crumb.data.url) } }
      : {}),
  };
}
