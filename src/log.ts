/**
 * The process logger (pino, JSON lines). Secrets never reach it: known secret fields are
 * redacted by path and credentials inside URLs are masked in every message.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const REDACT_PATHS = [
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
  '*.*.password',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** `rtsp://user:pass@host` → `rtsp://user:***@host`, anywhere in a string. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, '$1:***@');
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskUrlCredentials(a) : a)) as typeof args;
          method.apply(this, masked);
        },
      },
      formatters: {
        log(object) {
          const err = object.err;
          if (err instanceof Error && err.message) err.message = maskUrlCredentials(err.message);
          return object;
        },
      },
    },
    destination,
  );
}
