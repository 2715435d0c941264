/** Field issues carry a stable code and parameters, so the dashboard can word them in its own language. */
import { describe, expect, it } from 'vitest';
import { issuesFromZod } from '../../src/errors.js';
import { CameraInput } from '../../src/schemas/camera.js';

const issuesOf = (body: unknown) => {
  const parsed = CameraInput.safeParse(body);
  if (parsed.success) throw new Error('expected the body to be refused');
  return issuesFromZod(parsed.error);
};

describe('field issues', () => {
  it('say what is wrong with each field by code, with the bound that was crossed', () => {
    const issues = issuesOf({ name: '', site: 'Pasar', agency: 'Diskominfo', snapshotUrl: 'http://10.0.0.5/snap.jpg', checkIntervalSec: 2, location: { lat: 91, lng: 0 } });
    expect(issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'name', code: 'too_small', params: { minimum: 1, origin: 'string' } }),
      expect.objectContaining({ path: 'checkIntervalSec', code: 'too_small', params: { minimum: 5, origin: 'number' } }),
      expect.objectContaining({ path: 'location.lat', code: 'too_big', params: { maximum: 90, origin: 'number' } }),
    ]));
  });

  it('name a missing field invalid_type and a refused URL custom, keeping the English message', () => {
    const issues = issuesOf({ site: 'Pasar', agency: 'Diskominfo', rtspUrl: 'http://10.0.0.5/stream' });
    expect(issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'name', code: 'invalid_type', params: { expected: 'string' } }),
      expect.objectContaining({ path: 'rtspUrl', code: 'custom', message: expect.stringContaining('rtsp://') }),
    ]));
    expect(issues.find((i) => i.path === 'rtspUrl')).not.toHaveProperty('params');
  });
});
