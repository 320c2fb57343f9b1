/** Streams one HTTP response body to a file (loopback), timing it end to end. */
import { createWriteStream, statSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { pipeline } from 'node:stream/promises';

export interface Download {
  status: number;
  bytes: number;
  seconds: number;
  contentType: string | null;
}

export function download(url: string, file: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpGet(url, (res) => {
      pipeline(res, createWriteStream(file)).then(
        () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes: statSync(file).size,
            seconds: (performance.now() - started) / 1000,
            contentType: (res.headers['content-type'] as string | undefined) ?? null,
          }),
        reject,
      );
    });
    req.on('error', reject);
  });
}
