/**
 * The ways talking to an ONVIF device fails, as distinct codes with messages an
 * admin can act on. Messages name the host and port, never credentials.
 */
export type OnvifErrorCode =
  | 'unreachable'
  | 'timeout'
  | 'not_onvif'
  | 'unauthorized'
  | 'clock_skew'
  | 'no_profiles'
  | 'bad_response';

export class OnvifError extends Error {
  override readonly name = 'OnvifError';

  constructor(
    readonly code: OnvifErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
