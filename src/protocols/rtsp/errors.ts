/**
 * The ways an RTSP exchange fails, as codes a probe can report without reading messages, and
 * the mapping from socket errors to them. Messages never contain credentials.
 */

export type RtspErrorCode =
  | 'bad_url'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'aborted'
  | 'auth_failed'
  | 'no_stream'
  /** The stream was set up and played, but no RTP packet of its video track came. */
  | 'no_media'
  | 'bad_response'
  | 'too_large';

export class RtspError extends Error {
  constructor(
    readonly code: RtspErrorCode,
    message: string,
    /** Whether the camera sent any bytes at all before this failure. */
    readonly reached: boolean,
    /** Status code of the reply that caused the failure, when there was one. */
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'RtspError';
  }
}

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'EHOSTDOWN']);

/** Connection-level failure codes shared by every socket-based probe. */
export type SocketFailure = 'refused' | 'unreachable' | 'timeout' | 'dropped' | 'other';

export function socketFailure(err: unknown): SocketFailure {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (UNREACHABLE.has(code)) return 'unreachable';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'dropped';
  return 'other';
}
