/**
 * The shape of Pantau's configuration, validated at start-up.
 * Every key has a default here or in config/default.yaml; config/example.yaml documents them all.
 * Must not read files or the environment: that is load.ts's job.
 */
import { z } from 'zod';

// 0 asks the OS for a free port (tests, side-by-side demos).
const port = z.number().int().min(0).max(65535);

export const configSchema = z
  .object({
    server: z
      .object({
        /** @defaultValue 8080 */
        port: port.default(8080),
        /** @defaultValue '0.0.0.0' */
        host: z.string().min(1).default('0.0.0.0'),
        /** Base URL used in links inside alerts. @defaultValue 'http://localhost:8080' */
        publicUrl: z.url({ protocol: /^https?$/ }).default('http://localhost:8080'),
        /** Trust X-Forwarded-* from this many proxy hops (for client IPs behind a reverse proxy). */
        trustProxy: z.number().int().min(0).max(10).default(0),
      })
      .strict()
      .prefault({}),
    /** Where the SQLite database and the generated key file live. @defaultValue './data' */
    dataDir: z.string().min(1).default('./data'),
    /**
     * Key material for encrypting camera credentials at rest (at least 32 characters).
     * When absent a random key is generated into `<dataDir>/secret.key` (mode 0600).
     */
    secret: z.string().min(32, 'at least 32 characters').optional(),
    admin: z
      .object({
        /** Password for the `admin` user created at first start, when no admin exists yet. */
        password: z.string().min(8, 'at least 8 characters').optional(),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        /** @defaultValue 168 (7 days) */
        sessionTtlHours: z.number().min(1).max(24 * 365).default(168),
        /** Secure flag on the session cookie: auto = only when the request came over HTTPS. */
        cookieSecure: z.enum(['auto', 'always', 'never']).default('auto'),
        loginLimit: z
          .object({
            /** Failed logins allowed per account within the window. @defaultValue 5 */
            perAccount: z.number().int().min(1).default(5),
            /** Login attempts allowed per client IP within the window. @defaultValue 30 */
            perIp: z.number().int().min(1).default(30),
            /** @defaultValue 900 */
            windowSec: z.number().int().min(1).default(900),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    redis: z
      .object({
        /** Queue mode when set: probes, snapshots and deliveries run as BullMQ jobs. */
        url: z.url({ protocol: /^rediss?$/ }).optional(),
        /** Prefix of every Redis key. @defaultValue 'pantau' */
        queuePrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('pantau'),
      })
      .strict()
      .prefault({}),
    ffmpeg: z
      .object({
        /** Path to ffmpeg; else FFMPEG_PATH, else `ffmpeg` on PATH. */
        path: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    onvif: z
      .object({
        /** Deadline for one ONVIF exchange. @defaultValue 5000 */
        timeoutMs: z.number().int().min(100).max(60_000).default(5000),
        /** How long discovery listens for answers. @defaultValue 3000 */
        discoveryTimeoutMs: z.number().int().min(100).max(30_000).default(3000),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        /** @defaultValue 'info' */
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
