/**
 * Who sees what of a camera: a grant's level decides status, pictures or live; a private camera
 * shows its picture only to owners, admins and live grants, and its status to every grant.
 */
import { describe, expect, it } from 'vitest';
import { accessLevel, allows, levelOfRank, type AccessFacts } from '../../src/domain/access-level.js';

const facts = (over: Partial<AccessFacts>): AccessFacts => ({ admin: false, owner: false, private: false, grant: null, ...over });

describe('access levels', () => {
  it('gives admins and owners everything, private or not', () => {
    for (const p of [false, true]) {
      expect(accessLevel(facts({ admin: true, private: p }))).toBe('live');
      expect(accessLevel(facts({ owner: true, private: p }))).toBe('live');
    }
  });

  it('gives a grant its own level on an ordinary camera, and nothing without a grant', () => {
    expect(accessLevel(facts({}))).toBe('none');
    expect(accessLevel(facts({ grant: 'status' }))).toBe('status');
    expect(accessLevel(facts({ grant: 'pictures' }))).toBe('pictures');
    expect(accessLevel(facts({ grant: 'live' }))).toBe('live');
  });

  it('shows a private camera’s picture to live grants only; other grants see its status', () => {
    expect(accessLevel(facts({ private: true, grant: 'status' }))).toBe('status');
    expect(accessLevel(facts({ private: true, grant: 'pictures' }))).toBe('status');
    expect(accessLevel(facts({ private: true, grant: 'live' }))).toBe('live');
    expect(accessLevel(facts({ private: true }))).toBe('none');
  });

  it('orders the levels: live includes pictures includes status', () => {
    expect(allows('live', 'pictures')).toBe(true);
    expect(allows('pictures', 'pictures')).toBe(true);
    expect(allows('status', 'pictures')).toBe(false);
    expect(allows('pictures', 'live')).toBe(false);
    expect(allows('none', 'status')).toBe(false);
  });

  it('reads the SQL rank back as a level', () => {
    expect([1, 2, 3, null].map(levelOfRank)).toEqual(['status', 'pictures', 'live', null]);
  });
});
