/** Configuration: layers, environment variables, and errors that name the key, value and reason. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError, ENV_VARS, PACKAGE_ROOT, loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import YAML from 'yaml';

function file(text: string): string {
  const p = path.join(mkdtempSync(path.join(tmpdir(), 'pantau-cfg-')), 'config.yaml');
  writeFileSync(p, text);
  return p;
}
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    const c = loadConfig({ env: {} });
    expect(c.server.port).toBe(8080);
    expect(c.dataDir).toBe('./data');
    expect(c.redis.url).toBeUndefined();
    expect(c.redis.queuePrefix).toBe('pantau');
  });

  it('takes the file named by PANTAU_CONFIG, then environment variables over it', () => {
    const cfg = file('server:\n  port: 9000\n  publicUrl: https://pantau.kolutkab.go.id\ndataDir: /var/lib/pantau\n');
    const c = loadConfig({ env: { PANTAU_CONFIG: cfg, PANTAU_PORT: '9100', REDIS_URL: 'redis://127.0.0.1:6379', PANTAU_SECRET: 'x'.repeat(32), PANTAU_ADMIN_PASSWORD: 'rahasia-admin' } });
    expect(c.server).toMatchObject({ port: 9100, publicUrl: 'https://pantau.kolutkab.go.id' });
    expect(c.dataDir).toBe('/var/lib/pantau');
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.admin.password).toBe('rahasia-admin');
  });

  it('reads a list from a comma-separated variable, over the file', () => {
    const cfg = file('redis:\n  siteQueues: [kantor-bupati]\n');
    const c = loadConfig({ env: { PANTAU_CONFIG: cfg, PANTAU_SITE_QUEUES: ' lasusua, masjid-agung-lasusua,,' } });
    expect(c.redis.siteQueues).toEqual(['lasusua', 'masjid-agung-lasusua']);
    // Empty means unset, as for every variable: the file's list stays.
    expect(loadConfig({ env: { PANTAU_CONFIG: cfg, PANTAU_SITE_QUEUES: '' } }).redis.siteQueues).toEqual(['kantor-bupati']);
  });

  it('names the item, its value and the variable when one item of a list is bad', () => {
    expect(problems({ PANTAU_SITE_QUEUES: 'lasusua,Masjid Agung' }).join('\n')).toContain(
      'redis.siteQueues.1 = "Masjid Agung" (from env PANTAU_SITE_QUEUES): a site slug',
    );
    const cfg = file('redis:\n  siteQueues: [ok, Not_OK]\n');
    expect(problems({ PANTAU_CONFIG: cfg }).join('\n')).toContain(`redis.siteQueues.1 = "Not_OK" (from ${cfg}): a site slug`);
  });

  it.each([
    [{ PANTAU_PORT: 'delapan' }, 'server.port = "delapan" (from env PANTAU_PORT): expected a whole number'],
    [{ PANTAU_PORT: '70000' }, 'server.port = 70000 (from env PANTAU_PORT)'],
    [{ REDIS_URL: 'http://localhost' }, 'redis.url = "http://localhost" (from env REDIS_URL)'],
    [{ PANTAU_LOG_LEVEL: 'loud' }, 'log.level = "loud" (from env PANTAU_LOG_LEVEL)'],
    [{ PANTAU_QUEUE_PREFIX: 'a b' }, 'redis.queuePrefix = "a b" (from env PANTAU_QUEUE_PREFIX): letters, digits, _ and - only'],
  ])('rejects %j naming key, value and source', (env, expected) => {
    expect(problems(env).join('\n')).toContain(expected);
  });

  it('never prints a secret, even a bad one', () => {
    const out = problems({ PANTAU_SECRET: 'short-secret-value' }).join('\n');
    expect(out).toContain('secret = <hidden> (from env PANTAU_SECRET): at least 32 characters');
    expect(out).not.toContain('short-secret-value');
  });

  it('names the file for unknown keys, wrong types and YAML errors', () => {
    const typo = file('server:\n  prot: 80\n');
    expect(problems({ PANTAU_CONFIG: typo }).join()).toContain(`server.prot (from ${typo}): unknown key`);
    const wrong = file('onvif:\n  timeoutMs: soon\n');
    expect(problems({ PANTAU_CONFIG: wrong }).join()).toContain(`onvif.timeoutMs = "soon" (from ${wrong})`);
    const broken = file('server: [port: 1\n');
    expect(problems({ PANTAU_CONFIG: broken }).join()).toContain(`${broken}: YAML syntax error`);
    expect(problems({ PANTAU_CONFIG: '/nonexistent/pantau.yaml' }).join()).toContain('/nonexistent/pantau.yaml: cannot read (ENOENT)');
  });

  it('stops the process with exit code 2 and the reason', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile('npx', ['tsx', 'src/main.ts'], { env: { ...process.env, PANTAU_PORT: 'abc' } }, () => {});
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('server.port = "abc" (from env PANTAU_PORT): expected a whole number');
  });
});

/** Dotted paths of every leaf key in the schema, unwrapping defaults and optionals. */
function leafKeys(schema: unknown, prefix = ''): string[] {
  let s = schema as { _zod: { def: { type: string; innerType?: unknown; shape?: Record<string, unknown> } } };
  while (s._zod.def.innerType) s = s._zod.def.innerType as typeof s;
  if (s._zod.def.type !== 'object') return [prefix];
  return Object.entries(s._zod.def.shape!).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

describe('config/example.yaml', () => {
  const examplePath = path.join(PACKAGE_ROOT, 'config', 'example.yaml');
  const example = readFileSync(examplePath, 'utf8');

  it('documents every key of the schema, in its section', () => {
    const keys = leafKeys(configSchema);
    expect(keys.length).toBeGreaterThan(15);
    const uncommented = example.replace(/^(\s*)# (\w+:)/gm, '$1$2');
    const doc: unknown = YAML.parse(uncommented);
    for (const key of keys) {
      const value = key.split('.').reduce<any>((node, k) => (node && typeof node === 'object' ? node[k] : undefined), doc);
      expect(value, `${key} in config/example.yaml`).not.toBeUndefined();
    }
  });

  it('names every environment variable, as the README does', () => {
    const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
    for (const v of ENV_VARS) {
      expect(example, `${v.name} in config/example.yaml`).toContain(v.name);
      expect(readme, `${v.name} in README.md`).toContain(`\`${v.name}\``);
    }
  });

  it('is itself a valid configuration', () => {
    expect(() => loadConfig({ env: { PANTAU_CONFIG: examplePath } })).not.toThrow();
  });
});
