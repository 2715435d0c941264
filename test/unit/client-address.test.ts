/** The viewer's address on a socket, read as express reads it with `trust proxy` set to a number of hops. */
import { expect, it } from 'vitest';
import { clientAddress } from '../../src/realtime/handshake.js';

it('takes the peer without proxies, and the address each trusted hop was told behind them', () => {
  expect(clientAddress('::ffff:10.0.0.9', undefined, 0)).toBe('10.0.0.9');
  // Without trust, a forged header changes nothing.
  expect(clientAddress('203.0.113.7', '1.2.3.4', 0)).toBe('203.0.113.7');
  expect(clientAddress('127.0.0.1', '36.85.1.2', 1)).toBe('36.85.1.2');
  // Two proxies: the client may have sent its own header first; the outer proxy's word counts.
  expect(clientAddress('127.0.0.1', 'forged, 36.85.1.2, 10.0.0.2', 2)).toBe('36.85.1.2');
  expect(clientAddress('127.0.0.1', ['forged, 36.85.1.2', '10.0.0.2'], 2)).toBe('36.85.1.2');
  // More hops trusted than there are: the farthest address known.
  expect(clientAddress('127.0.0.1', '36.85.1.2', 5)).toBe('36.85.1.2');
  expect(clientAddress(undefined, undefined, 0)).toBeNull();
});
