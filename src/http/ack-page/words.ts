/** The acknowledge link's page: its words, Bahasa Indonesia first, English second. */
import type { OutageCause } from '../../domain/outage-causes.js';

export type AckLang = 'id' | 'en';

export interface AckWords {
  /** The other language, for the switch at the top. */
  otherLang: AckLang;
  other: string;
  confirm: string;
  confirmButton: string;
  done: string;
  invalid: string;
  open: string;
  causeLabel: string;
  causeOptional: string;
  note: string;
  fixedBy: string;
  publicNote: string;
  cause: Record<OutageCause, string>;
  atMost: (n: number) => string;
  plainText: string;
  oneLine: string;
  oneLineAtMost: (n: number) => string;
  chooseCause: string;
  unknownCause: string;
}

export const ACK_WORDS: Record<AckLang, AckWords> = {
  id: {
    otherLang: 'en',
    other: 'English',
    confirm: 'Tandai gangguan ini sudah ditangani? Pengingat dan eskalasi akan berhenti.',
    confirmButton: 'Ya, sudah ditangani',
    done: 'Terima kasih: gangguan sudah ditandai ditangani.',
    invalid: 'Tautan ini tidak berlaku lagi.',
    open: 'Buka Pantau',
    causeLabel: 'Penyebab',
    causeOptional: 'boleh diisi nanti',
    note: 'Catatan',
    fixedBy: 'Diperbaiki oleh',
    publicNote: 'Catatan untuk publik',
    cause: {
      power: 'Listrik padam',
      network: 'Jaringan / ISP',
      camera_hardware: 'Perangkat kamera rusak',
      recorder: 'Perekam (NVR)',
      cable_theft: 'Kabel, perusakan, pencurian',
      configuration: 'Pengaturan / kata sandi',
      maintenance: 'Pemeliharaan terencana',
      unknown: 'Tidak diketahui',
    },
    atMost: (n) => `Paling banyak ${n} karakter.`,
    plainText: 'Teks biasa saja.',
    oneLine: 'Satu baris saja.',
    oneLineAtMost: (n) => `Satu baris, paling banyak ${n} karakter.`,
    chooseCause: 'Pilih penyebab untuk menyimpan catatan.',
    unknownCause: 'Penyebab tidak dikenal.',
  },
  en: {
    otherLang: 'id',
    other: 'Bahasa Indonesia',
    confirm: 'Mark this outage as acknowledged? Reminders and escalation stop.',
    confirmButton: 'Acknowledge',
    done: 'Thank you: the outage is acknowledged.',
    invalid: 'This link is no longer valid.',
    open: 'Open Pantau',
    causeLabel: 'Cause',
    causeOptional: 'may be given later',
    note: 'Note',
    fixedBy: 'Fixed by',
    publicNote: 'Public note',
    cause: {
      power: 'Power',
      network: 'Network / ISP',
      camera_hardware: 'Camera hardware',
      recorder: 'Recorder (NVR)',
      cable_theft: 'Cable, vandalism, theft',
      configuration: 'Configuration / password',
      maintenance: 'Planned maintenance',
      unknown: 'Unknown',
    },
    atMost: (n) => `At most ${n} characters.`,
    plainText: 'Plain text only.',
    oneLine: 'One line only.',
    oneLineAtMost: (n) => `One line, at most ${n} characters.`,
    chooseCause: 'Choose a cause to save a note.',
    unknownCause: 'Unknown cause.',
  },
};

/** The page's language: the link's `?lang=` (messages carry their recipient's), else the browser's Accept-Language, else Indonesian. */
export function ackLangOf(query: unknown, accepts: (...langs: string[]) => string | false): AckLang {
  if (query === 'id' || query === 'en') return query;
  return accepts('id', 'en') === 'en' ? 'en' : 'id';
}
