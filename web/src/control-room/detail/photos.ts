/** The citizen's photos: thumbnails linking to the full image, a placeholder while processing. */
import { h } from '../../dom.ts';
import type { IncidentDetail } from '../staff-api.ts';
import { tr, trOr } from '../strings.ts';
import { section } from './view.ts';

export function detailPhotos(dt: IncidentDetail): HTMLElement {
  const number = dt.incident.number;
  return section(
    `${tr('photos')} (${dt.photos.length})`,
    'detail-photos',
    dt.photos.length
      ? h(
          'div',
          { class: 'thumbs' },
          ...dt.photos.map((p) =>
            p.thumbnailUrl && p.url
              ? h('a', { href: p.url, target: '_blank', rel: 'noopener', class: 'thumb' }, h('img', { src: p.thumbnailUrl, alt: tr('photo_alt').replace('{id}', String(p.id)).replace('{number}', number), loading: 'lazy', width: 96, height: 72 }))
              : h('span', { class: 'thumb thumb-pending' }, trOr('ph_', p.status)),
          ),
        )
      : h('p', { class: 'empty' }, '—'),
  );
}
