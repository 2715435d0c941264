/**
 * ONVIF onboarding for admins: inspect one device, discover devices nearby. Protocol failures
 * become distinct API errors so the dashboard can say exactly what to fix.
 */
import { HttpError } from '../errors.js';
import type { Logger } from '../log.js';
import { OnvifError, discoverOnvifDevices, inspectOnvifDevice, type OnvifErrorCode } from '../protocols/onvif/index.js';

const STATUS: Record<OnvifErrorCode, number> = {
  unreachable: 502,
  timeout: 504,
  not_onvif: 502,
  unauthorized: 422,
  clock_skew: 502,
  no_profiles: 502,
  bad_response: 502,
};

export interface Onboarding {
  inspect(target: { host: string; port: number; username?: string | undefined; password?: string | undefined }, signal?: AbortSignal): Promise<unknown>;
  discover(timeoutMs: number | undefined, signal?: AbortSignal): Promise<unknown>;
}

export function createOnboarding(options: { timeoutMs: number; discoveryTimeoutMs: number; discoveryAddress: string; log: Logger }): Onboarding {
  const [address, port] = splitHostPort(options.discoveryAddress);
  // The multicast group is the package default; anything else is a unicast target.
  const target = address === '239.255.255.250' ? undefined : { address, port };
  return {
    async inspect(target, signal) {
      try {
        return await inspectOnvifDevice(target, { timeoutMs: options.timeoutMs, ...(signal ? { signal } : {}) });
      } catch (err) {
        throw toHttp(err, options.log, target.host, signal);
      }
    },
    async discover(timeoutMs, signal) {
      try {
        const found = await discoverOnvifDevices({ timeoutMs: timeoutMs ?? options.discoveryTimeoutMs, target, ...(signal ? { signal } : {}) });
        return found.map((d) => ({ address: d.address, xaddrs: d.xaddrs, name: d.name ?? null, hardware: d.hardware ?? null, scopes: d.scopes }));
      } catch (err) {
        throw toHttp(err, options.log, 'discovery', signal);
      }
    },
  };
}

function toHttp(err: unknown, log: Logger, where: string, signal?: AbortSignal): Error {
  if (err instanceof OnvifError) return new HttpError(STATUS[err.code], `onvif_${err.code}`, err.message);
  // The admin closed the request: nobody is waiting for an answer, and nothing went wrong.
  if (signal?.aborted) return new HttpError(499, 'client_closed', 'The request was cancelled');
  log.warn({ err, where }, 'ONVIF call failed unexpectedly');
  return new HttpError(502, 'onvif_bad_response', 'The device gave an answer Pantau could not use');
}

function splitHostPort(value: string): [string, number] {
  const i = value.lastIndexOf(':');
  return [value.slice(0, i), Number(value.slice(i + 1))];
}
