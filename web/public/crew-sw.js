/*
 * Service worker of the field crew app (scope /crew). Plain JavaScript, served as is at
 * /crew-sw.js (web/public is Vite's public dir; api/src/web.routes.ts serves it no-cache so a
 * new version is picked up on the next visit).
 *
 * Caches:
 *   crew-shell-<v>  the page and its hashed scripts, styles and the map worker (cache first:
 *                   hashed names never change content);
 *   crew-data       the last answer of the few API reads the app needs to start offline
 *                   (network first, cache when there is no network); photos (cache first);
 *   crew-tiles      vector tiles seen so far (stale while revalidate, size-capped).
 * Writes (POST) are never touched here: the app's outbox in IndexedDB owns them.
 */
const VERSION = '1';
const SHELL = `crew-shell-${VERSION}`;
const DATA = 'crew-data';
const TILES = 'crew-tiles';
const TILE_LIMIT = 4000;
const STATIC = ['/crew.webmanifest', '/crew-icon-192.png', '/crew-icon-512.png'];
const DATA_PATHS = new Set(['/api/config', '/api/layers', '/api/boundary', '/api/auth/me', '/api/crew/today']);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      const page = await fetch('/crew', { cache: 'no-cache', credentials: 'same-origin' });
      if (page.ok) {
        const html = await page.clone().text();
        await cache.put('/crew', page);
        // The entry script, its chunks (modulepreload) and styles are named in the page.
        const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
        await cache.addAll([...new Set(assets)]);
      }
      await Promise.all(STATIC.map((u) => cache.add(u).catch(() => {})));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('crew-shell-') && name !== SHELL) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

function offlineJson() {
  return new Response(JSON.stringify({ error: { code: 'offline', message: 'no connection and nothing cached' } }), {
    status: 503,
    headers: { 'Content-Type': 'application/json' },
  });
}

/**
 * A page never cached and no signal: the app shell is not there to pick a language, so the page
 * says it in both (Greek first, as the app starts).
 */
function offlinePage() {
  const body =
    '<!doctype html><html lang="el"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Χωρίς σύνδεση · Offline</title><body style="font-family:system-ui,sans-serif;padding:1.5rem">' +
    '<h1>Χωρίς σύνδεση</h1><p>Η σελίδα δεν έχει αποθηκευτεί ακόμη στη συσκευή. Δοκιμάστε ξανά όταν επανέλθει το σήμα.</p>' +
    '<h2 lang="en">Offline</h2><p lang="en">This page is not saved on the phone yet. Try again when the signal returns.</p></body></html>';
  return new Response(body, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

async function networkFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(key ?? request, res.clone());
    return res;
  } catch {
    const hit = await cache.match(key ?? request, { ignoreVary: true, ignoreSearch: key !== undefined });
    return hit ?? (request.mode === 'navigate' ? offlinePage() : offlineJson());
  }
}

async function cacheFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}

let tilePuts = 0;
async function trimTiles(cache) {
  const keys = await cache.keys();
  // Oldest first (insertion order): drop a tenth beyond the cap.
  for (const k of keys.slice(0, Math.max(0, keys.length - TILE_LIMIT + Math.floor(TILE_LIMIT / 10)))) await cache.delete(k);
}

async function tiles(request) {
  const cache = await caches.open(TILES);
  const hit = await cache.match(request, { ignoreVary: true });
  const refresh = fetch(request)
    .then(async (res) => {
      if (res.ok) {
        await cache.put(request, res.clone());
        if (++tilePuts % 200 === 0) await trimTiles(cache);
      }
      return res;
    })
    .catch(() => undefined);
  if (hit) return hit;
  return (await refresh) ?? new Response(null, { status: 504 });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === 'navigate' && path === '/crew') {
    event.respondWith(networkFirst(request, SHELL, '/crew'));
  } else if (path.startsWith('/assets/') || STATIC.includes(path)) {
    event.respondWith(cacheFirst(request, SHELL));
  } else if (path.startsWith('/tiles/')) {
    event.respondWith(tiles(request));
  } else if (DATA_PATHS.has(path)) {
    event.respondWith(networkFirst(request, DATA));
  } else if (path.startsWith('/api/crew/photos/')) {
    event.respondWith(cacheFirst(request, DATA));
  }
});

/* The page sends what it loaded before this worker controlled it (first visit). */
self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'precache' || !Array.isArray(data.urls)) return;
  event.waitUntil(
    (async () => {
      let cached = 0;
      for (const raw of data.urls.slice(0, 500)) {
        let url;
        try {
          url = new URL(raw, self.location.origin);
        } catch {
          continue;
        }
        if (url.origin !== self.location.origin) continue;
        const name = url.pathname.startsWith('/tiles/') ? TILES : url.pathname.startsWith('/assets/') ? SHELL : DATA_PATHS.has(url.pathname) ? DATA : null;
        if (!name) continue;
        const cache = await caches.open(name);
        if (await cache.match(url.href, { ignoreVary: true })) {
          cached++;
          continue;
        }
        try {
          const res = await fetch(url.href, { credentials: 'same-origin' });
          if (res.ok) {
            await cache.put(url.href, res);
            cached++;
          }
        } catch {
          // offline again: the next visit fills it
        }
      }
      event.ports[0]?.postMessage({ cached });
    })(),
  );
});
