/** Dashboard strings: Bahasa Indonesia first, English second. */
export type Lang = 'id' | 'en';

const STRINGS = {
  id: {
    signIn: 'Masuk',
    signOut: 'Keluar',
    username: 'Nama pengguna',
    password: 'Kata sandi',
    wrongLogin: 'Nama pengguna atau kata sandi salah',
    tooMany: 'Terlalu banyak percobaan. Coba lagi nanti.',
    cameras: 'Kamera',
    noCameras: 'Belum ada kamera yang dapat Anda lihat.',
    site: 'Lokasi',
    agency: 'OPD',
    paused: 'dijeda',
    language: 'English',
    offline: 'Tidak dapat menghubungi server',
  },
  en: {
    signIn: 'Sign in',
    signOut: 'Sign out',
    username: 'Username',
    password: 'Password',
    wrongLogin: 'Wrong username or password',
    tooMany: 'Too many attempts. Try again later.',
    cameras: 'Cameras',
    noCameras: 'No cameras you may see yet.',
    site: 'Site',
    agency: 'Agency',
    paused: 'paused',
    language: 'Bahasa Indonesia',
    offline: 'Cannot reach the server',
  },
} as const;

export type Key = keyof (typeof STRINGS)['id'];

let current: Lang = (localStorage.getItem('pantau.lang') as Lang | null) ?? 'id';

export const t = (key: Key): string => STRINGS[current][key];
export const lang = (): Lang => current;
export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem('pantau.lang', next);
  document.documentElement.lang = next;
}
