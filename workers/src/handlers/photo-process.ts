/**
 * photo-process: turns an uploaded report photo into the only bytes we ever serve
 * (docs/reliability.md rule 3): decode with a pixel limit and `failOn: 'truncated'`, first frame
 * only, rotate() by EXIF orientation, resize to 2048 px, re-encode as JPEG (sharp drops every
 * metadata field unless asked to keep it: GPS, camera serials, XMP, IPTC, ICC), and a 320 px
 * thumbnail. Files are named by the SHA-256 of their own bytes; the DB row is written after the
 * files are durable (F9). Idempotent: a row that is no longer pending is left alone, and the
 * content address makes a second run write the same files.
 */
import { access, readFile, unlink } from 'node:fs/promises';
import { type Derivatives, makeDerivatives, photoPaths, writeFileDurably } from '../../../api/src/modules/incidents/photos.ts';
import { sha256Hex as hex } from '../../../api/src/hash.ts';
import type { WorkerDeps } from '../worker.ts';

async function storeOnce(path: string, bytes: Buffer) {
  try {
    await access(path);
  } catch {
    await writeFileDurably(path, bytes);
  }
}

/** Maps a sharp failure to a reason code for the attachment row (the message may hold paths). */
function reasonOf(err: unknown): string {
  const m = String((err as Error)?.message ?? err);
  if (/pixel limit/i.test(m)) return 'too_many_pixels';
  if (/truncat|premature|end of file|prematurely/i.test(m)) return 'truncated_image';
  if (/unsupported image format/i.test(m)) return 'unsupported_media_type';
  return 'corrupt_image';
}

export async function handlePhotoProcess(deps: WorkerDeps, data: { attachmentId: number }): Promise<void> {
  const { sql, config, logger } = deps;
  const [att] = await sql<{ id: number; incident_id: number; status: string; original_sha256: string }[]>`
    select id, incident_id, status, original_sha256 from attachments where id = ${data.attachmentId}`;
  if (!att || att.status !== 'pending') return;
  const paths = photoPaths(config.dataDir);
  const incoming = paths.incoming(att.original_sha256, att.incident_id);
  let input: Buffer;
  try {
    input = await readFile(incoming);
  } catch {
    await sql`update attachments set status = 'rejected', error = 'missing_upload', processed_at = now() where id = ${att.id} and status = 'pending'`;
    logger.warn('photo upload missing', { attachmentId: att.id });
    return;
  }
  let d: Derivatives;
  try {
    d = await makeDerivatives(input);
  } catch (err) {
    const reason = reasonOf(err);
    await sql`update attachments set status = 'rejected', error = ${reason}, processed_at = now() where id = ${att.id} and status = 'pending'`;
    await unlink(incoming).catch(() => {});
    logger.info('photo rejected', { attachmentId: att.id, reason });
    return;
  }
  const imageSha = hex(d.image);
  const thumbSha = hex(d.thumb);
  await storeOnce(paths.derivative(imageSha), d.image);
  await storeOnce(paths.derivative(thumbSha), d.thumb);
  await sql.begin(async (tx) => {
    const done = await tx`
      update attachments set status = 'ready', sha256 = ${imageSha}, thumb_sha256 = ${thumbSha}, width = ${d.width}, height = ${d.height},
             bytes = ${d.image.length}, processed_at = now(), error = null
      where id = ${att.id} and status = 'pending'
      returning id`;
    if (done.length) {
      await tx`insert into incident_events (incident_id, kind, public, actor) values (${att.incident_id}, 'photo', true, 'worker')`;
    }
  });
  await unlink(incoming).catch(() => {});
}
