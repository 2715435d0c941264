/**
 * Who may see what of a camera. Seeing its status and seeing its picture are different rights:
 * a grant carries a level (`status`, `pictures`, `live`), and a private camera shows its picture
 * only to its owners, admins and `live` grants. Pure: the facts come from the store.
 */

export const GRANT_LEVELS = ['status', 'pictures', 'live'] as const;
export type GrantLevel = (typeof GRANT_LEVELS)[number];

/** What a user may do with a camera: nothing, see its status, its pictures, its live video. */
export type AccessLevel = 'none' | GrantLevel;

const RANK: Record<AccessLevel, number> = { none: 0, status: 1, pictures: 2, live: 3 };

export interface AccessFacts {
  admin: boolean;
  owner: boolean;
  private: boolean;
  /** The highest level among the user's grants that cover the camera (by camera, site or agency); null when none does. */
  grant: GrantLevel | null;
}

export function accessLevel(f: AccessFacts): AccessLevel {
  if (f.admin || f.owner) return 'live';
  if (f.grant === null) return 'none';
  // A private camera's picture needs a grant made for live viewing: an agency-wide pictures
  // grant must not show a camera its owners keep private.
  if (f.private && f.grant !== 'live') return 'status';
  return f.grant;
}

/** Whether `level` includes `wanted`. */
export function allows(level: AccessLevel, wanted: GrantLevel): boolean {
  return RANK[level] >= RANK[wanted];
}

/** SQL rank of a grant level (for MAX over grants), matching RANK. */
export const GRANT_RANK_SQL = "CASE level WHEN 'status' THEN 1 WHEN 'pictures' THEN 2 WHEN 'live' THEN 3 END";

export function levelOfRank(rank: number | null): GrantLevel | null {
  return rank === 1 ? 'status' : rank === 2 ? 'pictures' : rank === 3 ? 'live' : null;
}
