/**
 * Declares API routes once: the same zod schemas validate each request and describe it in the
 * OpenAPI document, so the document cannot drift from the code. Role checks are part of the
 * declaration, so no route can forget them.
 */
import type { Request, Response, Router } from 'express';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { ZodType } from 'zod';
import type { z } from '../schemas/zod.js';
import { HttpError, forbidden, issuesFromZod } from '../errors.js';
import type { Principal } from '../services/auth.js';
import type { Role } from '../store/users.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface ResponseSpec {
  description: string;
  schema?: ZodType;
  contentType?: string;
}

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends ZodType> {
  method: Method;
  /** Express-style path, e.g. `/api/cameras/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** Who may call it: `public`, any signed-in user, or these roles. */
  access: 'public' | 'signed-in' | readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** Media type of the body when it is not JSON (e.g. text/csv). */
  bodyType?: string;
  /** Status of a successful answer. @defaultValue 200 */
  status?: number;
  responses: Record<number, ResponseSpec>;
  handler: (ctx: {
    req: Request;
    res: Response;
    params: z.infer<P>;
    query: z.infer<Q>;
    body: z.infer<B>;
    principal: Principal | undefined;
  }) => unknown;
}

export class Api {
  readonly registry = new OpenAPIRegistry();

  constructor(private readonly router: Router) {
    this.registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'pantau_session' });
    this.registry.registerComponent('securitySchemes', 'token', { type: 'http', scheme: 'bearer' });
  }

  route<P extends AnyObject, Q extends AnyObject, B extends ZodType>(spec: RouteSpec<P, Q, B>): void {
    this.document(spec);
    this.router[spec.method](spec.path, async (req, res) => {
      const principal = req.principal;
      if (spec.access !== 'public') {
        if (!principal) throw new HttpError(401, 'unauthenticated', 'Sign in first');
        if (spec.access !== 'signed-in' && !spec.access.includes(principal.user.role)) throw forbidden();
      }
      const params = parse(spec.params, req.params, 'params');
      const query = parse(spec.query, req.query, 'query');
      const body = parse(spec.body, req.body, 'body');
      const result = await spec.handler({ req, res, params, query, body, principal } as Parameters<typeof spec.handler>[0]);
      if (res.headersSent) return;
      const status = spec.status ?? 200;
      if (result === undefined) res.status(status === 200 ? 204 : status).end();
      else res.status(status).json(result);
    });
  }

  openApiDocument(info: { version: string }) {
    return new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'Pantau API',
        version: info.version,
        description: 'Camera registry, status, uptime and alerts. Sign in with a session cookie or a Bearer API token.',
      },
    });
  }

  private document(spec: RouteSpec<AnyObject, AnyObject, ZodType>): void {
    const responses: Record<string, { description: string; content?: Record<string, { schema: ZodType }> }> = {};
    for (const [code, r] of Object.entries(spec.responses)) {
      responses[code] = r.schema
        ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } }
        : { description: r.description };
    }
    if (spec.body || spec.params || spec.query) responses['400'] ??= { description: 'Invalid request: each bad field with its path and reason' };
    if (spec.access !== 'public') {
      responses['401'] ??= { description: 'Not signed in' };
      if (spec.access !== 'signed-in') responses['403'] ??= { description: `Allowed for: ${spec.access.join(', ')}` };
    }
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:([A-Za-z]+)/g, '{$1}'),
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.access === 'public' ? {} : { security: [{ session: [] }, { token: [] }] }),
      request: {
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { query: spec.query } : {}),
        ...(spec.body ? { body: { content: { [spec.bodyType ?? 'application/json']: { schema: spec.body } } } } : {}),
      },
      responses,
    });
  }
}

function parse(schema: ZodType | undefined, value: unknown, where: 'params' | 'query' | 'body'): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const message = where === 'body' ? 'The request body is invalid' : `The request ${where === 'query' ? 'query string' : 'path'} is invalid`;
  throw new HttpError(400, 'validation_failed', message, issuesFromZod(result.error, where === 'body' ? [] : [where]));
}
