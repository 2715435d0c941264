/** ONVIF onboarding: read a device's identity and streams, and find devices on the network. */
import type { Response } from 'express';
import type { Api } from '../api.js';
import type { Onboarding } from '../../services/onboarding.js';
import { DiscoverInput, DiscoverOut, InspectInput, InspectOut } from '../../schemas/onvif.js';

export function onvifRoutes(api: Api, deps: { onboarding: Onboarding }) {
  api.route({
    method: 'post',
    path: '/api/onvif/inspect',
    summary: 'Ask an ONVIF device for its make, model, clock offset and stream/snapshot URIs',
    tag: 'onvif',
    access: ['admin'],
    body: InspectInput,
    responses: {
      200: { description: 'What the device says about itself (no credentials in it)', schema: InspectOut },
      422: { description: 'onvif_unauthorized: wrong username or password' },
      502: { description: 'onvif_unreachable, onvif_not_onvif, onvif_clock_skew, onvif_no_profiles or onvif_bad_response' },
      504: { description: 'onvif_timeout: the device did not answer in time' },
    },
    handler: ({ body, res }) => deps.onboarding.inspect(body, abortOnClose(res)),
  });

  api.route({
    method: 'post',
    path: '/api/onvif/discover',
    summary: 'WS-Discovery probe on the server’s network',
    tag: 'onvif',
    access: ['admin'],
    body: DiscoverInput,
    responses: { 200: { description: 'Devices that answered before the timeout', schema: DiscoverOut } },
    handler: ({ body, res }) => deps.onboarding.discover(body.timeoutMs, abortOnClose(res)),
  });
}

/** Stops talking to the device when the admin gives up waiting. */
function abortOnClose(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
