/**
 * One conversation with an ONVIF device over the `onvif` package, made safe for
 * a monitor: one deadline for the whole conversation (the package waits 120 s by
 * default and cameras hang), cancellation through an AbortSignal, sockets torn
 * down at the end, and the package's many failure shapes turned into OnvifError.
 */
import http from 'node:http';
import type { LookupFunction } from 'node:net';
import onvif from 'onvif';
import type { Cam } from 'onvif';
import { OnvifError } from './errors.js';
import { looksLikeSoap } from './xml.js';

export interface OnvifTarget {
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
}

export interface OnvifCallOptions {
  /** Budget for the whole conversation, every request included. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Resolves the host when connecting (the caller's address policy). @defaultValue dns.lookup */
  lookup?: LookupFunction | undefined;
}

export interface CallResult {
  data: unknown;
  /** The raw reply (the package strips xmlns attributes; prefixes remain). */
  xml: string;
}

type Callback = (err: Error | null, data?: unknown, xml?: string) => void;

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
const DROPPED = new Set(['ECONNRESET', 'EPIPE']);
const AUTH_TEXT = /NotAuthorized|not\s*authori[sz]ed|Unauthori[sz]ed|FailedAuthentication|MessageExpired|authentication failed/i;

export class OnvifSession {
  readonly cam: Cam;
  /** Whether the device has answered anything yet: the same failure means different things before and after. */
  private answered = false;
  private readonly agent: http.Agent;
  private readonly deadline: number;
  private readonly where: string;
  /** Raw text of the last reply, for callers that must look past the package's parsing. */
  lastReply: string | undefined;
  /** The SOAP fault reason of the last call, if it ended in one. */
  lastFault: string | undefined;

  constructor(
    readonly target: OnvifTarget,
    private readonly opts: OnvifCallOptions,
  ) {
    this.agent = new http.Agent({ keepAlive: false, ...(opts.lookup ? { lookup: opts.lookup } : {}) });
    this.deadline = Date.now() + opts.timeoutMs;
    this.where = `${target.host}:${target.port}`;
    this.cam = new onvif.Cam({
      hostname: target.host,
      port: target.port,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      timeout: Math.max(1, opts.timeoutMs),
      autoconnect: false,
      // Service URLs from the device name its LAN address; keep talking to the host we were given.
      preserveAddress: true,
      agent: this.agent,
    });
  }

  /** Signs UsernameTokens with a clock `offsetMs` ahead of ours (0 = our own clock). */
  useClockOffset(offsetMs: number): void {
    // The package stamps Created as process uptime + timeShift.
    this.cam.timeShift = Date.now() + offsetMs - process.uptime() * 1000;
  }

  /** Runs one package call under the conversation's deadline and signal. */
  call(operation: string, invoke: (cb: Callback) => void): Promise<CallResult> {
    const remaining = this.deadline - Date.now();
    this.lastReply = undefined;
    this.lastFault = undefined;
    if (remaining <= 0) return Promise.reject(this.timeoutError(operation));
    if (this.opts.signal?.aborted) return Promise.reject(abortReason(this.opts.signal));
    this.cam.timeout = remaining;
    return new Promise<CallResult>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.opts.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const timer = setTimeout(() => {
        this.agent.destroy();
        finish(() => reject(this.timeoutError(operation)));
      }, remaining);
      const onAbort = (): void => {
        this.agent.destroy();
        finish(() => reject(abortReason(this.opts.signal)));
      };
      this.opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        invoke((err, data, xml) => {
          finish(() => {
            this.lastReply = xml;
            this.lastFault = err ? /ONVIF SOAP Fault: (.*)/.exec(err.message)?.[1] : undefined;
            if (err) {
              const classified = this.classify(operation, err, xml);
              if (looksLikeSoap(xml)) this.answered = true;
              reject(classified);
            } else {
              this.answered = true;
              resolve({ data, xml: xml ?? '' });
            }
          });
        });
      } catch (err) {
        // The package throws synchronously for some bad states; treat as a bad answer.
        finish(() => reject(this.classify(operation, err, undefined)));
      }
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private timeoutError(operation: string): OnvifError {
    const hint = this.answered
      ? 'the device may be overloaded or hung.'
      : 'check that this is the ONVIF port (often 80, 8000 or 8080) and that the device is not overloaded.';
    return new OnvifError('timeout', `${this.where} did not answer ${operation} within the ${this.opts.timeoutMs} ms allowed; ${hint}`);
  }

  private classify(operation: string, err: unknown, xml: string | undefined): OnvifError {
    if (err instanceof OnvifError) return err;
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const text = `${e.message} ${xml ?? ''}`;
    if (UNREACHABLE.has(code) || (DROPPED.has(code) && !this.answered)) {
      return new OnvifError('unreachable', `Cannot connect to ${this.where} (${code}). Check the address, the port and that the device is on.`, { cause: e });
    }
    if (e.message === 'Network timeout' || code === 'ETIMEDOUT') return this.timeoutError(operation);
    if (AUTH_TEXT.test(text)) {
      return new OnvifError('unauthorized', `${this.where} refused the login for ${operation}: wrong username or password.`, { cause: e });
    }
    if (/Digest authentication headers not found/.test(e.message) && !this.answered) {
      return new OnvifError('not_onvif', `${this.where} asks for an HTTP login that ONVIF devices do not use; it is likely a web page, not the ONVIF service. Check the port and that ONVIF is enabled on the camera.`, { cause: e });
    }
    if (DROPPED.has(code)) {
      return new OnvifError('bad_response', `${this.where} dropped the connection during ${operation}.`, { cause: e });
    }
    if (!this.answered && !looksLikeSoap(xml)) {
      return new OnvifError('not_onvif', `${this.where} answers, but not as an ONVIF device (no SOAP reply at /onvif/device_service). Check the port and that ONVIF is enabled on the camera.`, { cause: e });
    }
    const fault = /ONVIF SOAP Fault: (.*)/.exec(e.message)?.[1];
    return new OnvifError(
      'bad_response',
      fault
        ? `${this.where} refused ${operation}: ${fault.slice(0, 200)}`
        : `${this.where} sent a reply to ${operation} that could not be read (malformed or incomplete XML).`,
      { cause: e },
    );
  }
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
