/**
 * What differs between the simulated ONVIF vendors beyond their XML fixtures:
 * HTTP Server header, time zone, and the stream/snapshot paths each profile
 * token maps to on a real camera of that brand.
 */
export type OnvifVendor = 'hikvision' | 'dahua';

export interface VendorProfile {
  /** Profile token as in the vendor's GetProfiles fixture. */
  token: string;
  rtspPath: string;
  snapshotPath: string;
}

export interface VendorTraits {
  serverHeader: string;
  /** The fixture's TZ, as an offset from UTC, to fill LocalDateTime consistently. */
  utcOffsetHours: number;
  serialNumber: string;
  /** Address a factory-fresh camera of this brand has on its LAN. */
  factoryAddress: string;
  profiles: VendorProfile[];
}

export const VENDORS: Record<OnvifVendor, VendorTraits> = {
  hikvision: {
    serverHeader: 'App-webs/',
    utcOffsetHours: 7,
    serialNumber: 'DS-2CD2143G2-I20220315AAWRJ45678901',
    factoryAddress: '192.168.1.64',
    profiles: [
      {
        token: 'Profile_1',
        rtspPath: '/Streaming/Channels/101?transportmode=unicast&profile=Profile_1',
        snapshotPath: '/onvif-http/snapshot?Profile_1',
      },
      {
        token: 'Profile_2',
        rtspPath: '/Streaming/Channels/102?transportmode=unicast&profile=Profile_2',
        snapshotPath: '/onvif-http/snapshot?Profile_2',
      },
    ],
  },
  dahua: {
    serverHeader: 'Webs',
    utcOffsetHours: 7,
    serialNumber: '7J0A8B2PAZ12345',
    factoryAddress: '192.168.1.108',
    profiles: [
      {
        token: 'MediaProfile00000',
        rtspPath: '/cam/realmonitor?channel=1&subtype=0&unicast=true&proto=Onvif',
        snapshotPath: '/onvifsnapshot/media_service/snapshot?channel=1&subtype=0',
      },
      {
        token: 'MediaProfile00001',
        rtspPath: '/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif',
        snapshotPath: '/onvifsnapshot/media_service/snapshot?channel=1&subtype=1',
      },
      {
        token: 'MediaProfile00002',
        rtspPath: '/cam/realmonitor?channel=1&subtype=2&unicast=true&proto=Onvif',
        snapshotPath: '/onvifsnapshot/media_service/snapshot?channel=1&subtype=2',
      },
    ],
  },
};
