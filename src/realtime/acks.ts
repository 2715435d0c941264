/**
 * Relays acknowledgements to each camera's status room, so every dashboard that may see the
 * camera says who is on its outage, and since when, without a reload. The room is the grant
 * check: a socket is in a camera's status room only while its user may see that camera.
 */
import type { Server } from 'socket.io';
import type { AckEvent } from './contract.js';
import { statusRoom } from './status.js';

/** Where acknowledgements come from (the alert service): a subscription that returns how to end it. */
export interface AckSource {
  onAcknowledged(listener: (ack: { outageId: string; cameraId: string; by: string; at: number }) => void): () => void;
}

export function relayAcks(io: Server, source: AckSource): () => void {
  return source.onAcknowledged((ack) => {
    const event: AckEvent = { outageId: ack.outageId, cameraId: ack.cameraId, by: ack.by, at: new Date(ack.at).toISOString() };
    io.to(statusRoom(ack.cameraId)).emit('ack', event);
  });
}
