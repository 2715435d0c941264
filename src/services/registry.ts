/**
 * The camera registry use cases: create, read, update, delete with role and ownership rules,
 * credentials sealed on the way in, bound to the scheme, host and port they were given for
 * (an edit that moves an endpoint drops them unless given again), and never shown on the way
 * out; connection details only to admins and owners. Listeners hear every change so schedulers
 * pick up edits without a restart.
 */
import { EventEmitter } from 'node:events';
import type { z } from 'zod';
import { CameraInput } from '../schemas/camera.js';
import { forbidden, invalid, issuesFromZod, notFound, type FieldIssue } from '../errors.js';
import type { Principal } from './auth.js';
import { forbiddenUnlessAdmin } from './access.js';
import { outboundPolicies, type OutboundPolicy } from '../security/outbound-policy.js';
import type { SecretBox } from '../security/secret-box.js';
import { maskSecretParams } from '../security/url-secrets.js';
import { EndpointCredentials } from './camera-credentials.js';
import { externalIdTaken, sameCamera } from './camera-external-id.js';
import type { Store } from '../store/index.js';
import { allows, type AccessLevel, type GrantLevel } from '../domain/access-level.js';
import type { Camera, CameraDraft, UrlEndpoint, Viewer } from '../store/cameras.js';

export interface PublicCamera {
  id: string;
  externalId: string | null;
  name: string;
  site: string;
  location: Camera['location'];
  innovation: Camera['innovation'];
  agency: string;
  owners: string[];
  onvif: { host: string; port: number; username: string | null; hasPassword: boolean } | null;
  rtspUrl: string | null;
  rtspAuth: { username: string | null; hasPassword: boolean } | null;
  snapshotUrl: string | null;
  snapshotAuth: { username: string | null; hasPassword: boolean } | null;
  /** False when the addresses above are withheld: only admins and the camera's owners see them. */
  connectionShown: boolean;
  checkIntervalSec: number;
  imageCheckIntervalSec: number;
  alertGraceSec: number;
  enabled: boolean;
  private: boolean;
  /** What the asking user may see of it. */
  access: Exclude<AccessLevel, 'none'>;
  public: boolean;
  tags: string[];
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a camera saved without its own values gets: probes.* and alerts.graceSec of the configuration. */
export interface CameraDefaults {
  checkIntervalSec: number;
  imageCheckIntervalSec: number;
  alertGraceSec: number;
}

export type RegistryEvent = { type: 'created' | 'updated'; camera: Camera } | { type: 'deleted'; id: string };

export function viewerOf(principal: Principal): Viewer {
  const { user } = principal;
  return user.role === 'admin' ? { role: 'admin' } : { role: user.role, userId: user.id };
}

/**
 * Writes another part of Pantau keeps with a camera (its status machine): made in the camera's
 * own transaction; returns what to do once that transaction committed.
 */
export type CameraStage = (camera: Camera) => () => void;

export class CameraRegistry {
  private readonly events = new EventEmitter();
  private readonly stages: CameraStage[] = [];
  /** While a batch runs: what to do (and tell) once its transaction committed. */
  private afterCommit: (() => void)[] | null = null;
  private readonly credentials: EndpointCredentials;

  constructor(
    private readonly store: Store,
    box: SecretBox,
    /**
     * Intervals and alert grace of a camera saved without its own. They are copied into the
     * camera when it is saved: the store has no "not set" for them, so a later change of the
     * configuration reaches only cameras saved after it.
     */
    private readonly defaults: CameraDefaults = { checkIntervalSec: 30, imageCheckIntervalSec: 300, alertGraceSec: 120 },
    private readonly now: () => number = Date.now,
    /** Where owners may point a camera (admins' addresses are their own call). */
    private readonly cameraPolicy: OutboundPolicy = outboundPolicies({ allowPrivate: false, allow: [] }).cameras,
  ) {
    this.credentials = new EndpointCredentials(box);
  }

  /**
   * Listeners hear of a change once it is stored (committed), never of one a failed write undid:
   * a scheduler told of a camera that is not stored probes nothing, and one not told of a
   * camera that is stored never probes it.
   */
  onChange(listener: (event: RegistryEvent) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  /** Adds writes to every camera write's transaction (see CameraStage). */
  stageWith(stage: CameraStage): void {
    this.stages.push(stage);
  }

  /**
   * Runs camera writes (an import's rows) as one transaction: all are stored or none is, and
   * listeners hear of them only after it committed.
   */
  batch<T>(fn: () => T): T {
    if (this.afterCommit) return fn();
    const after: (() => void)[] = [];
    this.afterCommit = after;
    let result: T;
    try {
      result = this.store.cameras.transaction(fn);
    } finally {
      this.afterCommit = null;
    }
    for (const step of after) step();
    return result;
  }

  list(principal: Principal): PublicCamera[] {
    const access = this.access(principal);
    return this.visibleCameras(principal).map((c) => publicView(principal, c, access.get(c.id) ?? 'status'));
  }

  get(principal: Principal, id: string): PublicCamera {
    return publicView(principal, this.visible(principal, id), this.accessOf(principal, id));
  }

  /** What this user may do with each camera it may see (status, pictures, live). */
  access(principal: Principal): Map<string, AccessLevel> {
    return this.store.cameras.access(viewerOf(principal));
  }

  /** This user's level for one camera; `none` when it may not see it. */
  accessOf(principal: Principal, id: string): AccessLevel {
    return this.store.cameras.accessOf(id, viewerOf(principal));
  }

  /** Whether this user may see the camera at `level` (`pictures` for snapshots and frames, `live` for live video). */
  may(principal: Principal, id: string, level: GrantLevel): boolean {
    return allows(this.accessOf(principal, id), level);
  }

  /** Ids of the cameras this user may see at `level`. */
  idsAllowing(principal: Principal, level: GrantLevel): Set<string> {
    return new Set([...this.access(principal)].filter(([, l]) => allows(l, level)).map(([id]) => id));
  }

  /** Stored cameras this user may see (with sealed credentials: never hand them to a client). */
  visibleCameras(principal: Principal): Camera[] {
    return this.store.cameras.list(viewerOf(principal));
  }

  create(principal: Principal, body: unknown): PublicCamera {
    forbiddenUnlessAdmin(principal, 'only admins register cameras');
    const draft = this.prepare(body);
    this.checkExternalId(draft);
    return toPublic(this.store.cameras.get(this.insertPrepared(draft))!);
  }

  /**
   * Creates or replaces the camera with this external id (the admin's inventory id), so an
   * onboarding script can run again without making duplicates. A replacement takes the body as
   * the whole camera, except that passwords left out are kept (as in PATCH); one that changes
   * nothing stores nothing.
   */
  putByExternalId(principal: Principal, externalId: string, body: unknown): { created: boolean; camera: PublicCamera } {
    forbiddenUnlessAdmin(principal, 'only admins register cameras');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalid([{ path: '(root)', message: 'expected a JSON object' }]);
    }
    const given = (body as { externalId?: unknown }).externalId;
    if (given !== undefined && (typeof given !== 'string' || given.trim() !== externalId)) {
      throw invalid([{ path: 'externalId', message: `the body's externalId must be left out or be the path's ("${externalId}")`, code: 'external_id_mismatch', params: { externalId } }]);
    }
    const existing = this.store.cameras.byExternalId(externalId);
    const draft = this.prepare({ ...body, externalId }, existing);
    if (!existing) return { created: true, camera: toPublic(this.store.cameras.get(this.insertPrepared(draft))!) };
    if (this.unchanged(draft, existing)) return { created: false, camera: toPublic(existing) };
    return { created: false, camera: toPublic(this.replacePrepared(existing.id, draft)) };
  }

  /** Whether storing `draft` over `existing` would change nothing (see sameCamera). */
  unchanged(draft: CameraDraft, existing: Camera): boolean {
    return sameCamera(draft, existing, this.credentials);
  }

  /** Stores a draft that `prepare` accepted over the camera `id` (an import's update). */
  replacePrepared(id: string, draft: CameraDraft): Camera {
    return this.write('updated', () => this.store.cameras.update(id, draft, this.now()));
  }

  /** The stored camera as input again (secrets left out), to lay a partial change over. */
  editable(camera: Camera): Record<string, unknown> {
    return toEditable(camera);
  }

  /** Stores a draft that `prepare` accepted; returns its id. */
  insertPrepared(draft: CameraDraft): string {
    return this.write('created', () => this.store.cameras.insert(draft, this.now())).id;
  }

  update(principal: Principal, id: string, patch: unknown): PublicCamera {
    const existing = this.visible(principal, id);
    const role = principal.user.role;
    if (role === 'viewer') throw forbidden('viewers cannot change cameras');
    if (role === 'owner' && !this.store.cameras.isOwner(id, principal.user.id)) throw forbidden('you do not own this camera');
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw invalid([{ path: '(root)', message: 'expected a JSON object' }]);
    }
    if (role === 'owner') this.checkOwnerPatch(principal, existing, patch);
    const draft = this.prepare({ ...toEditable(existing), ...patch }, existing);
    this.checkExternalId(draft, existing.id);
    if (role !== 'admin') {
      const refused = this.refusedAddresses(draft, existing);
      if (refused.length) throw invalid(refused);
    }
    return publicView(principal, this.write('updated', () => this.store.cameras.update(id, draft, this.now())), this.accessOf(principal, id));
  }

  delete(principal: Principal, id: string): void {
    forbiddenUnlessAdmin(principal, 'only admins delete cameras');
    if (!this.store.cameras.delete(id)) throw notFound('camera');
    this.emit({ type: 'deleted', id });
  }

  /**
   * Validates input into a storable draft, or throws a 400 listing every problem.
   * `pending` lets an import check parents that are earlier rows of the same file.
   */
  prepare(body: unknown, existing?: Camera, pendingIds: ReadonlySet<string> = new Set()): CameraDraft {
    const parsed = CameraInput.safeParse(body);
    // Report every problem at once: owners and parent are checked even when other fields are bad.
    const raw = (typeof body === 'object' && body !== null ? body : {}) as { owners?: unknown; parentId?: unknown };
    const owners = parsed.success ? parsed.data.owners : stringsOr(raw.owners);
    const parentId = parsed.success ? parsed.data.parentId : typeof raw.parentId === 'string' ? raw.parentId : null;
    const issues = [
      ...(parsed.success ? [] : issuesFromZod(parsed.error)),
      ...this.checkOwners(owners),
      ...this.checkParent(parentId, existing?.id, pendingIds),
    ];
    if (!parsed.success || issues.length) throw invalid(issues);
    const input = parsed.data;
    return {
      externalId: input.externalId ?? null,
      name: input.name,
      site: input.site,
      location: input.location
        ? { lat: input.location.lat ?? null, lng: input.location.lng ?? null, address: input.location.address ?? null }
        : null,
      innovation: input.innovation ? { name: input.innovation.name, launchedOn: input.innovation.launchedOn ?? null } : null,
      agency: input.agency,
      owners: [...new Set(input.owners)],
      onvif: input.onvif ? this.credentials.onvif(input.onvif, existing?.onvif ?? null) : null,
      rtsp: this.credentials.url(input.rtspUrl, input.rtspAuth, existing?.rtsp ?? null),
      snapshot: this.credentials.url(input.snapshotUrl, input.snapshotAuth, existing?.snapshot ?? null),
      checkIntervalSec: input.checkIntervalSec ?? this.defaults.checkIntervalSec,
      imageCheckIntervalSec: input.imageCheckIntervalSec ?? this.defaults.imageCheckIntervalSec,
      alertGraceSec: input.alertGraceSec ?? this.defaults.alertGraceSec,
      enabled: input.enabled,
      private: input.private,
      public: input.public,
      tags: [...new Set(input.tags)],
      parentId: input.parentId,
    };
  }

  /** The stored camera, or 404 when it does not exist or is not this user's to see. */
  visible(principal: Principal, id: string): Camera {
    const camera = this.store.cameras.get(id, viewerOf(principal));
    if (!camera) throw notFound('camera');
    return camera;
  }

  /**
   * What an owner may not change: who owns the camera; its agency, which decides who sees it
   * (agency grants), who hears of it (escalations, digests) and which site it groups with in
   * alerts; and its parent, unless the new parent is a device the owner may see — a parent makes
   * the camera part of that device's alerts, which go to the device's owners.
   */
  private checkOwnerPatch(principal: Principal, existing: Camera, patch: object): void {
    const p = patch as { owners?: unknown; agency?: unknown; parentId?: unknown; externalId?: unknown; public?: unknown };
    if ('externalId' in p && (p.externalId ?? null) !== existing.externalId) throw forbidden('only admins change the external id of a camera');
    if ('owners' in p && !sameSet(p.owners, existing.owners)) throw forbidden('only admins change the owners of a camera');
    // What the public status page shows is the admin's choice, as statusPage.enabled is.
    if ('public' in p && p.public !== existing.public) throw forbidden('only admins choose which cameras are public');
    if ('agency' in p && p.agency !== existing.agency) throw forbidden('only admins move a camera to another agency');
    // Worded as for a device that does not exist: the answer must not tell which ids exist.
    if (typeof p.parentId === 'string' && p.parentId !== existing.parentId && !this.store.cameras.get(p.parentId, viewerOf(principal))) {
      throw invalid([{ path: 'parentId', message: `no camera or device with id "${p.parentId}"` }]);
    }
  }

  /**
   * Addresses a non-admin changed to a place no camera is (this server, link-local and cloud
   * metadata, nowhere), as far as can be told before DNS. Unchanged addresses were set by an
   * admin, whose call they are.
   */
  private refusedAddresses(draft: CameraDraft, existing: Camera): FieldIssue[] {
    const pairs: Array<[string, string | undefined, string | undefined]> = [
      ['onvif.host', existing.onvif?.host, draft.onvif?.host],
      ['rtspUrl', hostOf(existing.rtsp?.url), hostOf(draft.rtsp?.url)],
      ['snapshotUrl', hostOf(existing.snapshot?.url), hostOf(draft.snapshot?.url)],
    ];
    return pairs.flatMap(([path, before, after]) => {
      const problem = after !== undefined && after !== before ? this.cameraPolicy.checkHost(after) : null;
      return problem ? [{ path, message: `${problem} for a camera; ask an admin` }] : [];
    });
  }

  /** 409 when another camera already has the draft's external id. */
  private checkExternalId(draft: CameraDraft, selfId?: string): void {
    if (draft.externalId === null) return;
    const holder = this.store.cameras.byExternalId(draft.externalId);
    if (holder && holder.id !== selfId) throw externalIdTaken(holder, draft.externalId);
  }

  private checkOwners(owners: string[]): FieldIssue[] {
    const users = new Map(this.store.users.list().map((u) => [u.id, u]));
    return owners.flatMap((id, i) => {
      const user = users.get(id);
      if (!user) return [{ path: `owners.${i}`, message: `no user with id "${id}"` }];
      if (user.role === 'viewer') return [{ path: `owners.${i}`, message: `user "${user.username}" is a viewer; owners must be owners or admins` }];
      return [];
    });
  }

  private checkParent(parentId: string | null, selfId: string | undefined, pendingIds: ReadonlySet<string>): FieldIssue[] {
    if (parentId === null) return [];
    if (parentId === selfId) return [{ path: 'parentId', message: 'a camera cannot be its own parent' }];
    if (pendingIds.has(parentId)) return [];
    if (!this.store.cameras.exists(parentId)) return [{ path: 'parentId', message: `no camera or device with id "${parentId}"` }];
    // Walk up: a loop would make every camera in it wait for the others forever.
    const seen = new Set<string>(selfId ? [selfId] : []);
    for (let id: string | null = parentId; id; id = this.store.cameras.get(id)?.parentId ?? null) {
      if (seen.has(id)) return [{ path: 'parentId', message: 'this parent would make a loop of parents' }];
      seen.add(id);
    }
    return [];
  }

  /** Stores a camera with what the stages keep with it, in one transaction; tells listeners after it. */
  private write(type: 'created' | 'updated', save: () => Camera): Camera {
    return this.batch(() => {
      const camera = save();
      const staged = this.stages.map((stage) => stage(camera));
      this.afterCommit!.push(() => {
        for (const apply of staged) apply();
        this.emit({ type, camera });
      });
      return camera;
    });
  }

  private emit(event: RegistryEvent): void {
    this.events.emit('change', event);
  }
}

/** Whether `principal` may see how to reach the camera: admins and the camera's owners. */
export function showsConnection(principal: Principal, c: Pick<Camera, 'owners'>): boolean {
  return principal.user.role === 'admin' || c.owners.includes(principal.user.id);
}

/**
 * The camera as `principal` may see it. How to reach it (addresses on a government LAN, user
 * names) is for admins and the camera's owners; viewers and grantees see the rest.
 */
export function publicView(principal: Principal, c: Camera, access: AccessLevel): PublicCamera {
  const level = access === 'none' ? 'status' : access;
  return showsConnection(principal, c)
    ? { ...toPublic(c), access: level }
    : { ...toPublic(c), onvif: null, rtspUrl: null, rtspAuth: null, snapshotUrl: null, snapshotAuth: null, connectionShown: false, access: level };
}

/** The camera with its connection details (query secrets masked): for admins and its owners only. */
export function toPublic(c: Camera): PublicCamera {
  const auth = (e: UrlEndpoint | null) => (e && (e.username || e.passwordEnc) ? { username: e.username, hasPassword: e.passwordEnc !== null } : null);
  return {
    id: c.id,
    externalId: c.externalId,
    name: c.name,
    site: c.site,
    location: c.location,
    innovation: c.innovation,
    agency: c.agency,
    owners: c.owners,
    onvif: c.onvif && { host: c.onvif.host, port: c.onvif.port, username: c.onvif.username, hasPassword: c.onvif.passwordEnc !== null },
    rtspUrl: c.rtsp ? maskSecretParams(c.rtsp.url) : null,
    rtspAuth: auth(c.rtsp),
    snapshotUrl: c.snapshot ? maskSecretParams(c.snapshot.url) : null,
    snapshotAuth: auth(c.snapshot),
    connectionShown: true,
    checkIntervalSec: c.checkIntervalSec,
    imageCheckIntervalSec: c.imageCheckIntervalSec,
    alertGraceSec: c.alertGraceSec,
    enabled: c.enabled,
    private: c.private,
    access: 'live',
    public: c.public,
    tags: c.tags,
    parentId: c.parentId,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
  };
}

/** The stored camera as input again, without secrets, so a PATCH can be merged and revalidated. */
function toEditable(c: Camera): z.input<typeof CameraInput> {
  return {
    externalId: c.externalId,
    name: c.name,
    site: c.site,
    location: c.location,
    innovation: c.innovation,
    agency: c.agency,
    owners: c.owners,
    onvif: c.onvif && { host: c.onvif.host, port: c.onvif.port, username: c.onvif.username },
    // Sealed query secrets go out as *** and come back meaning "keep".
    rtspUrl: c.rtsp ? maskSecretParams(c.rtsp.url) : null,
    snapshotUrl: c.snapshot ? maskSecretParams(c.snapshot.url) : null,
    checkIntervalSec: c.checkIntervalSec,
    imageCheckIntervalSec: c.imageCheckIntervalSec,
    alertGraceSec: c.alertGraceSec,
    enabled: c.enabled,
    private: c.private,
    public: c.public,
    tags: c.tags,
    parentId: c.parentId,
  };
}

function hostOf(url: string | undefined): string | undefined {
  return url === undefined ? undefined : new URL(url).hostname;
}

function stringsOr(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function sameSet(value: unknown, current: string[]): boolean {
  return Array.isArray(value) && value.length === new Set(value).size && value.every((v) => current.includes(v as string)) && new Set(value).size === current.length;
}
