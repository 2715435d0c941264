/**
 * The shape of Pantau's configuration, validated at start-up.
 * Every key has a default here or in config/default.yaml; config/example.yaml documents them all.
 * Must not read files or the environment: that is load.ts's job.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { allowEntryProblem } from '../security/outbound-policy.js';
import { isTimeZone, TIME_ZONE_HINT } from './time-zone.js';

// 0 asks the OS for a free port (tests, side-by-side demos).
const port = z.number().int().min(0).max(65535);

/** Rollup days are 24 h long, so zones without daylight saving (all of Indonesia's) fit best. */
const timeZone = z.string().max(64).refine(isTimeZone, TIME_ZONE_HINT);

/** A site as queue names know it: lowercase letters, digits and single dashes. */
export const siteSlug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a site slug: lowercase letters, digits and dashes, e.g. masjid-agung-lasusua');

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
    health: z
      .object({
        /**
         * `/healthz` fails (503, check `disk`) while the data directory's disk has less free space
         * than this, in MB: SQLite cannot store flips, alerts or edits on a full disk. @defaultValue 100
         */
        minFreeDiskMb: z.number().int().min(0).default(100),
      })
      .strict()
      .prefault({}),
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
        /**
         * Failed sign-ins are limited per client address, never per account alone: a stranger's
         * failures must not keep the owner out. Past `perAccount` failures from all addresses
         * together, the account's answers only slow down (0.5 s, doubling, at most 8 s).
         */
        loginLimit: z
          .object({
            /** Failed logins allowed per account from one client address within the window. @defaultValue 5 */
            perAccount: z.number().int().min(1).default(5),
            /** Failed logins allowed per client address, all accounts together, within the window. @defaultValue 30 */
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
        /**
         * Sites probed only by site workers (`PANTAU_WORKER_SITES` on a worker inside the site),
         * as slugs of the camera's `site` ("Masjid Agung Lasusua" → masjid-agung-lasusua). Their
         * cameras ride their own queue and are `unknown` (no_worker), never `down`, while no
         * site worker is alive. Other cameras ride the default queue. @defaultValue []
         */
        siteQueues: z.array(siteSlug).default([]),
        /** Probe rounds in flight at once in one worker. @defaultValue 32 */
        workerConcurrency: z.number().int().min(1).max(1000).default(32),
        /** Workers announce themselves this often; one silent for three beats counts as gone. @defaultValue 5000 */
        heartbeatMs: z.number().int().min(50).max(60_000).default(5000),
        /**
         * A queue without a live worker, or a Redis the server cannot reach, for this long
         * makes the cameras concerned `unknown`. @defaultValue 30000
         */
        coverageGraceMs: z.number().int().min(0).max(3_600_000).default(30_000),
        /**
         * A job's lock: a worker killed mid-job loses its jobs to another worker after about
         * this long (BullMQ lockDuration and stalledInterval). @defaultValue 30000
         */
        lockMs: z.number().int().min(500).max(600_000).default(30_000),
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
        /**
         * Where WS-Discovery probes go: the ONVIF multicast group on the server's network, or one
         * host:port (a single device, a relay). @defaultValue '239.255.255.250:3702'
         */
        discoveryAddress: z
          .string()
          .regex(/^[\w.-]+:\d{1,5}$/, 'host:port, e.g. 239.255.255.250:3702')
          .default('239.255.255.250:3702'),
      })
      .strict()
      .prefault({}),
    live: z
      .object({
        /**
         * A live view ends by itself after this many minutes unless the viewer renews it (phone
         * data is paid by the megabyte, and a forgotten tab should not pull a camera all night).
         * @defaultValue 5
         */
        maxMinutes: z.number().min(1).max(240).default(5),
        /** How long a camera connection outlives its last viewer (a page reload), seconds. @defaultValue 5 */
        lingerSec: z.number().min(0).max(10).default(5),
        /** Frames per second of the JPEG fallback (H.265, MJPEG, or a stream that cannot be pulled). @defaultValue 2 */
        fallbackFps: z.number().min(0.2).max(5).default(2),
        /**
         * A viewer whose oldest unacknowledged fragment is older than this is behind: fragments
         * are dropped until the next key frame, and the dashboard says so. @defaultValue 1000
         */
        maxBacklogMs: z.number().int().min(200).max(10_000).default(1000),
        /**
         * Cameras with only an RTSP URL, watched at a camera page's rate (every 2 s or faster),
         * get their frames from one persistent ffmpeg decoding at that rate rather than a new
         * ffmpeg per frame. Off: one ffmpeg per frame, as before (BENCHMARKS.md compares).
         * @defaultValue true
         */
        frameStreams: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    probes: z
      .object({
        /** Liveness interval of a camera registered without one. @defaultValue 30 */
        checkIntervalSec: z.number().int().min(5).max(3600).default(30),
        /** Image-health interval of a camera registered without one. @defaultValue 300 */
        imageCheckIntervalSec: z.number().int().min(5).max(86_400).default(300),
        /** Checks in flight at once across all cameras (embedded mode). @defaultValue 64 */
        concurrency: z.number().int().min(1).max(10_000).default(64),
        /** Deadline of one liveness layer (tcp, onvif, rtsp). @defaultValue 5000 */
        livenessTimeoutMs: z.number().int().min(200).max(60_000).default(5000),
        /**
         * The RTSP layer also checks that video flows (SETUP, PLAY, the first RTP packet,
         * TEARDOWN) on every Nth liveness round of a camera, and on every round while its last
         * RTSP check failed; 1 checks every round, 0 never. A hung encoder is `degraded` within
         * about N + failuresToConfirm liveness intervals (BENCHMARKS.md has the cost).
         * @defaultValue 10
         */
        mediaCheckEvery: z.number().int().min(0).max(1000).default(10),
        /** Deadline of one image check (snapshot download or ffmpeg frame grab). @defaultValue 15000 */
        imageTimeoutMs: z.number().int().min(1000).max(120_000).default(15_000),
        /** Failing rounds in a row before a camera leaves `up`. @defaultValue 2 */
        failuresToConfirm: z.number().int().min(1).max(20).default(2),
        /** Healthy rounds in a row before it returns to `up`. @defaultValue 2 */
        recoveriesToConfirm: z.number().int().min(1).max(20).default(2),
        /**
         * A new or re-enabled camera stays `unknown` until its picture was judged once (its first
         * liveness round then takes the picture too), so it never shows `up` with a black
         * picture. Off: it may show `up` from liveness alone until its first image tick — for
         * fleets whose image checks are deliberately rare. @defaultValue true
         */
        awaitPictureBeforeUp: z.boolean().default(true),
        /** More flips than this in an hour is reported as flapping (once). @defaultValue 6 */
        flapThreshold: z.number().int().min(2).max(100).default(6),
        /** Picture verdicts; defaults measured on real frames (see src/protocols/image/stats.ts). */
        image: z
          .object({
            /** A picture whose brightest channel averages at or below this is dark. @defaultValue 40 */
            darkMaxMean: z.number().min(0).max(255).default(40),
            /** A picture whose p10–p90 luma spread is at or below this is flat. @defaultValue 12 */
            flatMaxSpread: z.number().min(0).max(255).default(12),
            /** Frozen: mean difference from the last frame at or below this… @defaultValue 0.15 */
            frozenMaxDiff: z.number().min(0).max(255).default(0.15),
            /** …and no thumbnail pixel changed by more than this. @defaultValue 16 */
            frozenMaxPixelDiff: z.number().min(0).max(255).default(16),
            /** Frames closer together than this are never called frozen. @defaultValue 1500 */
            frozenMinGapMs: z.number().int().min(0).default(1500),
            /** A grey slab covering this fraction of the picture from the bottom is corrupt. @defaultValue 0.3 */
            smearMinFraction: z.number().min(0).max(1).default(0.3),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    history: z
      .object({
        /** Days and rollups follow this zone (Kolaka Utara: WITA). @defaultValue 'Asia/Makassar' */
        timeZone: timeZone.default('Asia/Makassar'),
        /** Stored probe rounds (those whose verdict changed: failures starting, recoveries) kept this long. @defaultValue 168 */
        rawRetentionHours: z.number().min(1).max(24 * 90).default(168),
        /** No longer used (minute rollups are not kept); accepted so older config files still load. */
        minuteRetentionHours: z.number().min(1).max(24 * 30).optional(),
        /** @defaultValue 90 */
        hourRetentionDays: z.number().min(1).max(3650).default(90),
        /** Null keeps day rollups forever. @defaultValue null */
        dayRetentionDays: z.number().min(1).nullable().default(null),
        /** node-cron schedule (in timeZone) of the nightly roll-up and prune. @defaultValue '15 0 * * *' */
        nightly: z.string().refine((v) => cron.validate(v), 'not a valid cron expression').default('15 0 * * *'),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        /** Days the viewing record (who watched which camera) is kept; a daily job removes older rows. @defaultValue 365 */
        viewRetentionDays: z.number().int().min(1).max(3650).default(365),
      })
      .strict()
      .prefault({}),
    reports: z
      .object({
        /** Uptime at or above this is green. @defaultValue 0.99 */
        green: z.number().min(0).max(1).default(0.99),
        /** At or above this (and below green) is yellow; below is red. @defaultValue 0.95 */
        yellow: z.number().min(0).max(1).default(0.95),
        /** Cameras dark longer than this are listed as dying quietly. @defaultValue 7 */
        darkAfterDays: z.number().min(1).max(365).default(7),
        /**
         * When an innovation (or an agency) is healthy, at risk, dying or dead, in the leadership
         * report. Judged over its cameras' last `recentDays`.
         */
        innovationStates: z
          .object({
            /** The recent window the states look at. @defaultValue 30 */
            recentDays: z.number().int().min(7).max(365).default(30),
            /** Dead: every camera dark without a break for longer than this many days. @defaultValue 30 */
            deadAfterDays: z.number().min(1).max(3650).default(30),
            /** Dying: dark for more than this share of the known time in the recent window. @defaultValue 0.5 */
            dyingDarkShare: z.number().gt(0).max(1).default(0.5),
            /** At risk: this many outages or more began in the recent window, per camera on average. @defaultValue 3 */
            repeatedOutages: z.number().min(1).max(1000).default(3),
            /** At risk: the recent window's uptime this far (0..1) below the months before it. @defaultValue 0.05 */
            uptimeFallBy: z.number().gt(0).max(1).default(0.05),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .refine((r) => r.yellow <= r.green, { message: 'yellow must not be above green', path: ['yellow'] })
      .prefault({}),
    statusPage: z
      .object({
        /**
         * The public status page (/status, /status.json, /status.csv, the badge and the widget),
         * without sign-in. Off: those routes answer 404. Only cameras whose `public` is true appear.
         * PANTAU_STATUS_PAGE. @defaultValue false
         */
        enabled: z.boolean().default(false),
        /** The page's heading, e.g. the regency's name. @defaultValue 'Status Layanan CCTV' */
        title: z.string().trim().min(1).max(120).default('Status Layanan CCTV'),
        /**
         * Decimal places of a camera's coordinates on the public page: 0–3 (3 is about 100 m),
         * or null for none at all. @defaultValue null
         */
        coordinatePrecision: z.number().int().min(0).max(3).nullable().default(null),
        /** Seconds the page and its data are kept before they are produced again. @defaultValue 60 */
        refreshSec: z.number().int().min(10).max(3600).default(60),
      })
      .strict()
      .prefault({}),
    map: z
      .object({
        /**
         * Map tiles for the camera page: an http(s) URL or a path on this server, with Leaflet's
         * {z}/{x}/{y} (and optionally {s}) placeholders. Its origin is the only place, besides
         * Pantau itself, that the Content-Security-Policy lets the dashboard load images from.
         * `none` (or empty): no tiles and no map, the camera page shows coordinates, the address and
         * a link, and the dashboard loads images from nowhere but Pantau.
         * @defaultValue 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
         */
        tileUrl: z
          .union([
            z.literal(['none', '']).transform(() => 'none'),
            z
              .string()
              .max(500)
              // {s} only as the first label: a CSP host wildcard (*.) can stand for nothing else. No
              // "//host" either: it would be another origin that the policy does not name.
              .regex(/^(https?:\/\/(\{s\}\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?)?\/(?!\/)[^\s"'<>]*$/, 'an http(s) URL or a path starting with /, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png, or none')
              .refine((v) => ['{z}', '{x}', '{y}'].every((p) => v.includes(p)), 'the {z}, {x} and {y} placeholders'),
          ])
          .default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
        /** Credit shown on the map, as text (the tile server's licence usually requires it). @defaultValue '© OpenStreetMap' */
        attribution: z.string().max(200).default('© OpenStreetMap'),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        /**
         * Seconds a camera must stay dark before it is alerted, for cameras saved without their
         * own `alertGraceSec`: copied into the camera when it is saved, so a change here reaches
         * cameras saved after it. At most 7 days, as the API allows. @defaultValue 120
         */
        graceSec: z.number().int().min(0).max(7 * 86_400).default(120),
        /**
         * Deprecated for alerts: a site's cameras that go dark within the grace share one message,
         * and nothing is added on top of the grace. Now only how long a site's recoveries wait for
         * each other while other alerted cameras there are still dark. Unset: 60. A start-up
         * note says so when it is set.
         */
        groupWindowSec: z.number().int().min(0).max(3600).optional(),
        /** Reminder spacing while an outage is unacknowledged. @defaultValue 21600 (6 h) */
        reminderEverySec: z.number().int().min(60).default(21_600),
        /** Reminders per outage; then a daily line in the digest. @defaultValue 4 */
        maxReminders: z.number().int().min(0).max(100).default(4),
        /** Unacknowledged this long after the alert: escalate to the agency's head. Null: never. @defaultValue 86400 */
        escalateAfterSec: z.number().int().min(60).nullable().default(86_400),
        /**
         * An outage still open after this many days with no cause recorded asks its camera's
         * owners for one again, in the weekly digest. @defaultValue 7
         */
        askCauseAfterDays: z.number().min(1).max(365).default(7),
        /** node-cron schedule of the weekly digest, in digestTimeZone. @defaultValue '0 8 * * 1' (Monday 08:00) */
        digestCron: z.string().refine((v) => cron.validate(v), 'not a valid cron expression').default('0 8 * * 1'),
        /** @defaultValue 'Asia/Makassar' */
        digestTimeZone: timeZone.default('Asia/Makassar'),
        delivery: z
          .object({
            /** Attempts before a delivery is given up (and shown to admins as failed). @defaultValue 10 */
            maxAttempts: z.number().int().min(1).max(100).default(10),
            /** First retry delay; doubles each attempt, with jitter. @defaultValue 30000 */
            baseDelayMs: z.number().int().min(10).default(30_000),
            /** @defaultValue 3600000 */
            maxDelayMs: z.number().int().min(10).default(3_600_000),
            /** A claimed delivery whose sender died is taken again after this. @defaultValue 120000 */
            claimMs: z.number().int().min(1000).default(120_000),
            /** @defaultValue 8 */
            concurrency: z.number().int().min(1).max(100).default(8),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    notifiers: z
      .object({
        /** SMTP for email contacts; email is off without it. */
        email: z
          .object({
            host: z.string().min(1),
            port: port.optional(),
            secure: z.boolean().default(false),
            starttls: z.enum(['opportunistic', 'required', 'off']).default('opportunistic'),
            user: z.string().optional(),
            /** PANTAU_SMTP_PASSWORD */
            password: z.string().optional(),
            from: z.string().min(3),
            rejectUnauthorized: z.boolean().default(true),
          })
          .strict()
          .optional(),
        /** Telegram bot for telegram contacts (chat ids). */
        telegram: z
          .object({
            /** PANTAU_TELEGRAM_BOT_TOKEN */
            botToken: z.string().min(10),
            apiBase: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
          })
          .strict()
          .optional(),
        /** An HTTP WhatsApp gateway for whatsapp contacts (phone numbers). */
        whatsapp: z
          .object({
            url: z.url({ protocol: /^https?$/ }),
            method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
            headers: z.record(z.string(), z.string()).default({}),
            /** Placeholders {{to}} and {{text}}. */
            bodyTemplate: z.string().default('{"to":"{{to}}","text":"{{text}}"}'),
          })
          .strict()
          .optional(),
        /** Web Push (VAPID). Keys are generated into <dataDir>/vapid.json when not given. */
        webpush: z
          .object({
            publicKey: z.string().min(20).optional(),
            privateKey: z.string().min(20).optional(),
            subject: z.string().regex(/^(mailto:|https:)/, 'a mailto: or https: contact').default('mailto:admin@localhost'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /**
     * Where Pantau may connect for addresses that owners and viewers set. Their webhook and Web
     * Push contacts must be public addresses; cameras they edit may not point at loopback,
     * link-local (cloud metadata), unspecified or multicast addresses. Checked on the resolved
     * address when connecting, and at save time. Addresses admins set (cameras, anyone's
     * contacts) are not limited, but a camera host name resolving to a refused address is
     * refused when probed, whoever set it (IP literals are judged when saved).
     */
    outbound: z
      .object({
        /** Let contacts reach private ranges (10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10). @defaultValue false */
        allowPrivate: z.boolean().default(false),
        /**
         * Always allowed, for contacts and cameras alike: CIDRs, IP addresses or host names (an
         * internal webhook relay, camera simulators on 127.0.0.1). @defaultValue []
         */
        allow: z
          .array(
            z.string().superRefine((entry, ctx) => {
              const problem = allowEntryProblem(entry);
              if (problem) ctx.addIssue({ code: 'custom', message: problem });
            }),
          )
          .default([]),
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
