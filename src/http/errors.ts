/** The one HTTP error handler: every failure answers JSON with a stable `error` code. */
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../log.js';
import { HttpError, issuesFromZod } from '../errors.js';

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
      res.status(err.status).json({ error: err.code, message: err.message, ...(err.params ? { params: err.params } : {}), ...(err.issues ? { issues: err.issues } : {}) });
      return;
    }
    if (err instanceof ZodError) {
      res.status(400).json({ error: 'validation_failed', message: 'The request is invalid', issues: issuesFromZod(err) });
      return;
    }
    // Body-parser failures carry a status and a type: a client mistake, not ours.
    const e = err as { status?: number; type?: string; message?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      const message =
        e.type === 'entity.parse.failed'
          ? 'The body is not valid JSON'
          : e.type === 'entity.too.large'
            ? 'The body is too large'
            : (e.message ?? 'Bad request');
      res.status(e.status).json({ error: e.type ?? 'bad_request', message });
      return;
    }
    if (isDiskFull(err)) {
      log.error({ err, method: req.method, path: req.path }, 'request failed: the disk is full or failing');
      res.status(507).json({
        error: 'insufficient_storage',
        message: 'The server could not write to its disk (it is full or failing), so nothing was saved. Free space on the server, then try again.',
      });
      return;
    }
    log.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: 'internal', message: 'Something went wrong on the server' });
  };
}

/**
 * SQLite's and the OS's ways of saying a write found no room: SQLITE_FULL, the SQLITE_IOERR
 * family (a write or fsync that failed, e.g. a WAL that could not grow) and ENOSPC. Every store
 * write is one transaction, so the request changed nothing: a 507 says so, where a 500 made
 * people retry into a half-known state.
 */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code === 'ENOSPC');
}
