/** Page-side helpers for map assertions (maplibre query-test style: ask the map, not pixels). */
import type { Page } from 'playwright-core';

/** Waits until the catalogue layers are on the map, nothing moves and every tile is loaded. */
export async function waitForMapIdle(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(() => Boolean(window.__mapReady), null, { timeout: timeoutMs });
  await page.evaluate(async (timeout) => {
    await window.__mapReady;
    const map = window.__map!;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('map did not become idle')), timeout);
      const check = () => {
        if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) {
          clearTimeout(timer);
          resolve();
        } else {
          map.once('idle', check);
        }
      };
      // One frame first, so a just-issued layout change has been applied.
      requestAnimationFrame(() => map.triggerRepaint());
      requestAnimationFrame(check);
    });
  }, timeoutMs);
}

/** Rendered features of one catalogue layer (all its style layers) in the current view. */
export async function renderedCount(page: Page, layerId: string): Promise<number> {
  return page.evaluate((id) => {
    const map = window.__map!;
    const styleIds = map.getStyle().layers.filter((l) => l.id.startsWith(`${id}::`)).map((l) => l.id);
    return styleIds.length ? map.queryRenderedFeatures({ layers: styleIds }).length : 0;
  }, layerId);
}

declare global {
  interface Window {
    __map?: import('maplibre-gl').Map;
    __mapReady?: Promise<void>;
  }
}
