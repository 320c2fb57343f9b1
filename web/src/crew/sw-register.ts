/**
 * Installs the crew service worker (web/public/crew-sw.js, scope /crew) and reports when the
 * page is under its control, so the first visit can wait for it briefly before the map starts
 * fetching tiles (tiles fetched before control would not be cached for offline use).
 */
export const SW_URL = '/crew-sw.js';
export const SW_SCOPE = '/crew';

export interface SwStatus {
  supported: boolean;
  controlled: boolean;
}

export async function registerServiceWorker(waitMs = 5000): Promise<SwStatus> {
  if (!('serviceWorker' in navigator)) return { supported: false, controlled: false };
  try {
    await navigator.serviceWorker.register(SW_URL, { scope: SW_SCOPE, type: 'classic', updateViaCache: 'none' });
  } catch {
    return { supported: true, controlled: false };
  }
  if (navigator.serviceWorker.controller) return { supported: true, controlled: true };
  // First visit: the worker installs (pre-caching the app shell), activates and claims the page.
  const controlled = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), waitMs);
    navigator.serviceWorker.addEventListener(
      'controllerchange',
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      { once: true },
    );
  });
  return { supported: true, controlled };
}

/**
 * Asks the worker to cache what the page loaded before it was in control (the first visit's
 * scripts, styles and API answers). Resolves with the number of URLs it now holds.
 */
export async function precache(urls: string[]): Promise<number> {
  const sw = navigator.serviceWorker?.controller;
  if (!sw || urls.length === 0) return 0;
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(0), 15_000);
    channel.port1.onmessage = (e) => {
      clearTimeout(timer);
      resolve(Number((e.data as { cached?: number })?.cached ?? 0));
    };
    sw.postMessage({ type: 'precache', urls }, [channel.port2]);
  });
}

/** Sign-out: drop cached personal answers (today's list, photos, "who am I"). */
export async function clearPersonalCaches(): Promise<void> {
  if (!('caches' in globalThis)) return;
  await caches.delete('crew-data');
}
