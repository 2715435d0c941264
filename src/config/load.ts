/**
 * Loads the configuration: config/default.yaml, then the file named by PANTAU_CONFIG, then
 * environment variables, each layer overriding the one before. Fails fast with a ConfigError
 * that names the key, the value, where it came from and what was expected.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';

type Plain = Record<string, unknown>;
/** `list`: comma-separated, each item trimmed, empty items dropped (`a, b,` → ["a", "b"]). */
type EnvKind = 'string' | 'int' | 'list' | 'bool';

/** Environment variables and the keys they set. Documented in config/example.yaml. */
export const ENV_VARS: ReadonlyArray<{ name: string; key: string; kind: EnvKind }> = [
  { name: 'PANTAU_PORT', key: 'server.port', kind: 'int' },
  { name: 'PANTAU_HOST', key: 'server.host', kind: 'string' },
  { name: 'PANTAU_PUBLIC_URL', key: 'server.publicUrl', kind: 'string' },
  { name: 'PANTAU_DATA_DIR', key: 'dataDir', kind: 'string' },
  { name: 'PANTAU_SECRET', key: 'secret', kind: 'string' },
  { name: 'PANTAU_ADMIN_PASSWORD', key: 'admin.password', kind: 'string' },
  { name: 'PANTAU_LOG_LEVEL', key: 'log.level', kind: 'string' },
  { name: 'REDIS_URL', key: 'redis.url', kind: 'string' },
  { name: 'PANTAU_QUEUE_PREFIX', key: 'redis.queuePrefix', kind: 'string' },
  { name: 'PANTAU_SITE_QUEUES', key: 'redis.siteQueues', kind: 'list' },
  { name: 'PANTAU_SMTP_PASSWORD', key: 'notifiers.email.password', kind: 'string' },
  { name: 'PANTAU_TELEGRAM_BOT_TOKEN', key: 'notifiers.telegram.botToken', kind: 'string' },
  { name: 'PANTAU_STATUS_PAGE', key: 'statusPage.enabled', kind: 'bool' },
];

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SECRET_KEYS = new Set(['secret', 'admin.password', 'notifiers.email.password', 'notifiers.telegram.botToken', 'notifiers.webpush.privateKey']);

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Defaults file; tests point this elsewhere. */
  defaultsFile?: string;
}

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const sources = new Map<string, string>();
  const problems: string[] = [];

  const merged: Plain = {};
  const defaultsFile = options.defaultsFile ?? path.join(PACKAGE_ROOT, 'config', 'default.yaml');
  mergeInto(merged, readYamlFile(defaultsFile, problems), sources, defaultsFile);
  const extraFile = env.PANTAU_CONFIG;
  if (extraFile) mergeInto(merged, readYamlFile(extraFile, problems), sources, extraFile);

  for (const v of ENV_VARS) {
    const raw = env[v.name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (v.kind === 'int') {
      if (!/^-?\d+$/.test(raw.trim())) {
        problems.push(`${v.key} = ${show(v.key, raw)} (from env ${v.name}): expected a whole number`);
        continue;
      }
      value = Number(raw);
    } else if (v.kind === 'bool') {
      const b = raw.trim().toLowerCase();
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(b)) {
        problems.push(`${v.key} = ${show(v.key, raw)} (from env ${v.name}): expected true or false`);
        continue;
      }
      value = ['true', '1', 'yes'].includes(b);
    } else if (v.kind === 'list') {
      value = raw.split(',').map((s) => s.trim()).filter(Boolean);
    }
    setPath(merged, v.key, value);
    sources.set(v.key, `env ${v.name}`);
  }
  if (problems.length) throw new ConfigError(problems);

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => describeIssue(i, merged, sources)));
  return parsed.data;
}

function readYamlFile(file: string, problems: string[]): Plain {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return {};
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    for (const e of doc.errors) problems.push(`${file}: YAML syntax error: ${e.message.split('\n')[0]}`);
    return {};
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${file}: expected a mapping of keys at the top level`);
    return {};
  }
  return value as Plain;
}

function mergeInto(target: Plain, layer: Plain, sources: Map<string, string>, source: string, prefix = ''): void {
  for (const [key, value] of Object.entries(layer)) {
    // `section:` with every key commented out parses as null: that means "nothing set here".
    if (value === null) continue;
    const dotted = prefix ? `${prefix}.${key}` : key;
    const existing = target[key];
    if (isPlain(value) && isPlain(existing)) {
      mergeInto(existing, value, sources, source, dotted);
    } else {
      target[key] = isPlain(value) ? structuredClone(value) : value;
      markSources(value, dotted, sources, source);
    }
  }
}

function markSources(value: unknown, dotted: string, sources: Map<string, string>, source: string): void {
  sources.set(dotted, source);
  if (isPlain(value)) for (const [k, v] of Object.entries(value)) markSources(v, `${dotted}.${k}`, sources, source);
}

function setPath(target: Plain, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!isPlain(next)) node[part] = {};
    node = node[part] as Plain;
  }
  node[parts[parts.length - 1]!] = value;
}

function describeIssue(issue: z.core.$ZodIssue, merged: Plain, sources: Map<string, string>): string {
  const keyPath = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((k) => {
        const dotted = [...keyPath, k].join('.');
        return `${dotted} (from ${sources.get(dotted) ?? 'config'}): unknown key`;
      })
      .join('; ');
  }
  const dotted = keyPath.join('.');
  const value = keyPath.reduce<unknown>((node, k) => (isPlain(node) ? node[k] : Array.isArray(node) ? node[Number(k)] : undefined), merged);
  // An item of a list (`redis.siteQueues.1`) came from wherever the list did.
  let end = keyPath.length;
  while (end > 0 && /^\d+$/.test(keyPath[end - 1]!)) end--;
  const from = sources.get(keyPath.slice(0, end).join('.')) ?? 'config';
  return `${dotted} = ${show(dotted, value)} (from ${from}): ${issue.message}`;
}

/** Never print a secret, even a wrong one. */
function show(dotted: string, value: unknown): string {
  if (SECRET_KEYS.has(dotted) && value !== undefined) return '<hidden>';
  return value === undefined ? '(missing)' : JSON.stringify(value);
}

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
