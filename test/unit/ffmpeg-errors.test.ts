/**
 * The cause of a failed frame grab, read from what ffmpeg 5.1 really printed (at
 * `-loglevel verbose`, with Pantau's arguments) against the simulators in test/support:
 * captured runs under test/fixtures/ffmpeg, with how long each ran in runs.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyDeadline, classifyFailure } from '../../src/protocols/image/index.js';

const dir = new URL('../fixtures/ffmpeg/', import.meta.url);
const runs = JSON.parse(readFileSync(new URL('runs.json', dir), 'utf8')) as Record<string, { elapsedMs: number; idleTimeoutMs: number; killedAtDeadline: boolean }>;
const stderr = (name: string): string => readFileSync(new URL(`${name}.txt`, dir), 'utf8');
const DEADLINE_MS = 15_000;

/** What Pantau concludes from a captured run: ffmpeg's own exit, or Pantau's deadline. */
function verdict(name: string) {
  const run = runs[name]!;
  return run.killedAtDeadline ? classifyDeadline(stderr(name), DEADLINE_MS) : classifyFailure(stderr(name), run);
}

describe('ffmpeg grab failures, from captured ffmpeg output', () => {
  it.each([
    ['setup-461-tcp', 'transport_refused', true, /461 Unsupported transport to SETUP/],
    ['describe-401', 'auth_failed', true, /401 Unauthorized to DESCRIBE: check the user name and password/],
    ['describe-404', 'no_stream', true, /404 Not Found to DESCRIBE: check the stream path/],
    ['setup-405', 'bad_response', true, /405 Method Not Allowed to SETUP/],
    ['connection-refused', 'refused', false, /connection refused/],
    ['connection-reset', 'reset', true, /closed or reset it/],
    ['silent', 'timeout', true, /accepted the connection but did not answer within 5 s/],
    ['no-media-tcp', 'no_media', true, /sent no video for 5 s/],
    ['no-media-udp', 'no_media', true, /sent no video for 5 s/],
    ['slow-drip', 'timeout', true, /RTSP answer did not complete within 15 s/],
    ['slow-drip-setup', 'timeout', true, /answered DESCRIBE, but its answer to SETUP did not complete within 15 s/],
    ['endless-garbage', 'undecodable', true, /no picture decoded/],
    ['long-gop-deadline', 'no_keyframe', true, /set up but no complete picture \(key frame\) arrived within 15 s/],
  ] as const)('%s → %s', (name, code, reached, message) => {
    const err = verdict(name);
    expect([err.code, err.reached]).toEqual([code, reached]);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/rtsp:\/\/|wrong/);
  });

  it('names the first cause, not ffmpeg’s closing summary', () => {
    const text = stderr('setup-461-tcp');
    expect(text.trim().split('\n').at(-1)).toMatch(/Protocol not supported/);
    expect(classifyFailure(text).message).not.toMatch(/Protocol not supported/);
  });

  it('tells a reset from a silence by when ffmpeg gave up', () => {
    const text = stderr('silent');
    expect(classifyFailure(text, { elapsedMs: 200, idleTimeoutMs: 5000 }).code).toBe('reset');
    expect(classifyFailure(text, { elapsedMs: 5300, idleTimeoutMs: 5000 }).code).toBe('timeout');
  });

  it('says no answer at all when the deadline came before a connection', () => {
    expect(classifyDeadline('', 8000)).toMatchObject({ code: 'timeout', reached: false, message: 'no answer from the camera within 8 s' });
  });
});
