/*
 * Pantau's service worker: makes the dashboard open without a network (the app shell and its
 * hashed assets are kept; the app itself keeps the last API answers and shows their age) and
 * shows Web Push alerts. API and socket traffic is never cached here: a stale status must come
 * with its age, which only the app can show.
 */
/* global self, caches, clients, URL, Response, fetch */
const CACHE = 'pantau-shell-v1';
const SHELL = ['/', '/manifest.webmanifest', '/icon.svg', '/icon-192.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL);
      // The first page load happened before this worker existed: fetch what it used now.
      const html = await (await cache.match('/')).text();
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      await cache.addAll(assets);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/')) return;
  // The public status page is its own small site: never served from, nor stored as, the shell.
  if (url.pathname === '/status' || url.pathname.startsWith('/status/') || url.pathname.startsWith('/status.')) return;
  if (req.mode === 'navigate') {
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) void caches.open(CACHE).then((c) => c.put('/', res.clone()));
          return res;
        })
        .catch(async () => (await caches.match('/')) ?? Response.error()),
    );
    return;
  }
  event.respondWith(
    (async () => {
      const cached = await caches.match(req);
      // Hashed assets never change; the few others are refreshed behind the cached copy.
      if (cached && url.pathname.startsWith('/assets/')) return cached;
      const fresh = fetch(req).then((res) => {
        if (res.ok) void caches.open(CACHE).then((c) => c.put(req, res.clone()));
        return res;
      });
      return cached ?? fresh;
    })(),
  );
});

self.addEventListener('push', (event) => {
  let data = { title: 'Pantau', body: '', url: '/', tag: 'pantau' };
  try {
    data = { ...data, ...event.data.json() };
  } catch {
    if (event.data) data.body = event.data.text();
  }
  event.waitUntil(self.registration.showNotification(data.title, { body: data.body, tag: data.tag, data: { url: data.url }, icon: '/icon-192.png', badge: '/icon-192.png' }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = event.notification.data?.url || '/';
  event.waitUntil(
    (async () => {
      const open = await clients.matchAll({ type: 'window', includeUncontrolled: true });
      const same = open.find((c) => new URL(c.url).origin === self.location.origin);
      if (same) {
        await same.focus();
        return same.navigate(url);
      }
      return clients.openWindow(url);
    })(),
  );
});
