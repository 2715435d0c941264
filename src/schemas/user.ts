/** Users, grants, sessions and tokens as the API speaks them. */
import { z } from './zod.js';
import { isoTime } from './common.js';
import { GRANT_LEVELS } from '../domain/access-level.js';
import { isTimeZone, TIME_ZONE_HINT } from '../config/time-zone.js';

export const Role = z.enum(['admin', 'owner', 'viewer']);
export const Language = z.enum(['id', 'en']);
const timeZone = z.string().max(64).refine(isTimeZone, TIME_ZONE_HINT);
const password = z.string().min(8, 'at least 8 characters').max(200);

export const GrantLevel = z.enum(GRANT_LEVELS).openapi({ description: 'status: status only; pictures: snapshots and frames too; live: live video too (and pictures of private cameras)' });
export const GrantInput = z
  .object({ scope: z.enum(['agency', 'site', 'camera']), value: z.string().trim().min(1).max(200), level: GrantLevel.default('pictures') })
  .strict();

export const UserInput = z
  .object({
    username: z.string().trim().min(2).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
    displayName: z.string().trim().min(1).max(200).optional(),
    role: Role,
    password,
    language: Language.default('id'),
    timeZone: timeZone.default('Asia/Makassar'),
    grants: z.array(GrantInput).max(500).default([]),
    headOf: z.array(z.string().trim().min(1).max(200)).max(50).default([]).openapi({ description: 'agencies this user heads: escalations and digests go to them' }),
  })
  .strict()
  .openapi('UserInput');

export const UserPatch = z
  .object({
    displayName: z.string().trim().min(1).max(200).optional(),
    role: Role.optional(),
    password: password.optional(),
    language: Language.optional(),
    timeZone: timeZone.optional(),
    disabled: z.boolean().optional(),
    grants: z.array(GrantInput).max(500).optional(),
    headOf: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
  })
  .strict()
  .openapi('UserPatch');

export const MePatch = z
  .object({
    displayName: z.string().trim().min(1).max(200).optional(),
    language: Language.optional(),
    timeZone: timeZone.optional(),
    password: password.optional(),
    currentPassword: z.string().max(200).optional(),
  })
  .strict()
  .refine((b) => b.password === undefined || b.currentPassword !== undefined, {
    path: ['currentPassword'],
    message: 'required to change the password',
  })
  .openapi('MePatch');

export const UserOut = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: Role,
    language: Language,
    timeZone: z.string(),
    disabled: z.boolean(),
    grants: z.array(z.object({ id: z.string(), scope: z.enum(['agency', 'site', 'camera']), value: z.string(), level: GrantLevel })),
    headOf: z.array(z.string()),
    createdAt: isoTime(),
    updatedAt: isoTime(),
  })
  .openapi('User');

export const LoginInput = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }).strict().openapi('Login');

/** API tokens last this long unless their creator asks otherwise… */
export const TOKEN_DEFAULT_DAYS = 90;
/** …and never longer: a forgotten token must not work for ever. */
export const TOKEN_MAX_DAYS = 365;

export const TokenInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    expiresInDays: z
      .number()
      .int()
      .min(1)
      .max(TOKEN_MAX_DAYS)
      .optional()
      .openapi({ description: `days the token works; default ${TOKEN_DEFAULT_DAYS}, at most ${TOKEN_MAX_DAYS}` }),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: `when the token stops working instead; in the future, at most ${TOKEN_MAX_DAYS} days ahead` }),
  })
  .strict()
  .refine((b) => b.expiresInDays === undefined || b.expiresAt === undefined, {
    path: ['expiresAt'],
    message: 'give expiresInDays or expiresAt, not both',
  })
  .openapi('TokenInput');

export const TokenOut = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: isoTime(),
    expiresAt: isoTime(),
    lastUsedAt: isoTime().nullable().openapi({ description: 'when the token was last used, to the minute; null if never' }),
  })
  .openapi('Token');
