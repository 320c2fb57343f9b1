/**
 * Camera photos are shrunk on the phone before they are queued: a 12 MP original is 4-8 MB, too
 * much to keep several of in IndexedDB or to push through a weak signal, and the server keeps at
 * most 2048 px anyway (incidents/photos.ts). Orientation is applied while decoding, so the JPEG
 * needs no EXIF (and carries no GPS or camera serial).
 */
export const MAX_EDGE = 2048;
const QUALITY = 0.85;

/** Target size for an image of w×h: the long edge at most MAX_EDGE, never enlarged. */
export function fitWithin(w: number, h: number, max = MAX_EDGE): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

/** A picked file that does not decode as an image (a text or PDF file, a broken download). */
export class PhotoUnreadableError extends Error {
  constructor(name: string) {
    super(`${name} does not decode as an image`);
    this.name = 'PhotoUnreadableError';
  }
}

/**
 * A JPEG ready for the outbox. A file the phone cannot decode is refused here with
 * PhotoUnreadableError: queued, it would wait offline only to be refused by the server later.
 */
export async function preparePhoto(file: File): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoUnreadableError(file.name);
  }
  try {
    const { width, height } = fitWithin(bitmap.width, bitmap.height);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) return file;
    ctx.drawImage(bitmap, 0, 0, width, height);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY });
  } finally {
    bitmap.close();
  }
}
