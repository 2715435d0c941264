/**
 * Errors that reach a caller: a status, a stable `error` code, a human message and, for invalid
 * input, each bad field's path and reason. Services throw them; the HTTP layer renders them.
 */
import type { ZodError } from 'zod';

export interface FieldIssue {
  path: string;
  message: string;
  /** A stable code a client can put in its own words: zod's issue code (`too_small`, `custom`…). */
  code?: string;
  /** What that code's words need, e.g. `minimum` for `too_small`. */
  params?: Record<string, string | number>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
    readonly headers?: Record<string, string>,
    /** What the code's words need (e.g. `channel`, `s`), so a client can say it in its own language. */
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const forbidden = (why = 'your role does not allow this') => new HttpError(403, 'forbidden', why);
export const invalid = (issues: FieldIssue[], message = 'The request is invalid') =>
  new HttpError(400, 'validation_failed', message, issues);

export function issuesFromZod(err: ZodError, prefix: string[] = []): FieldIssue[] {
  return err.issues.map((i) => {
    const parts = [...prefix, ...i.path.map(String)];
    const keys = i.code === 'unrecognized_keys' ? ` (${i.keys.join(', ')})` : '';
    return { path: parts.join('.') || '(root)', message: i.message + keys, code: i.code, ...zodParams(i) };
  });
}


function zodParams(i: ZodError['issues'][number]): { params?: Record<string, string | number> } {
  if (i.code === 'too_small') return { params: { minimum: Number(i.minimum), origin: i.origin } };
  if (i.code === 'too_big') return { params: { maximum: Number(i.maximum), origin: i.origin } };
  if (i.code === 'invalid_type') return { params: { expected: i.expected } };
  if (i.code === 'invalid_format') return { params: { format: i.format } };
  return {};
}
