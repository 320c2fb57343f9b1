/**
 * The layer tree: catalogue layers grouped (networks, buildings, spaces, boundaries, reference),
 * each with a checkbox (native, so keyboard and screen readers work), a legend swatch, its
 * names in both languages, its feature count, a badge when it is synthetic demo data, and
 * download links from the OGC API.
 */
import { downloadLinks, type Layer } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { bilingual, formatCount, t, type StringKey } from '../i18n.ts';
import { groupLayers } from '../map/layer-style.ts';
import { legendSwatch } from '../map/swatch.ts';

export interface LayerTreeOptions {
  isVisible(id: string): boolean;
  setVisible(id: string, visible: boolean): void;
  zoomTo(id: string): void;
}

export function renderLayerTree(root: HTMLElement, layers: Layer[], opts: LayerTreeOptions): void {
  if (layers.length === 0) {
    replaceChildren(root, h('p', { class: 'empty' }, t('no_layers')));
    return;
  }
  const groups = groupLayers(layers).map(({ group, layers: members }) => {
    const boxes: HTMLInputElement[] = [];
    const groupBox = h('input', { type: 'checkbox', class: 'group-toggle', 'aria-label': `${t(`group_${group}` as StringKey)}: ${t('show_all')}` });
    const syncGroupBox = () => {
      const on = boxes.filter((b) => b.checked).length;
      groupBox.checked = on === boxes.length;
      groupBox.indeterminate = on > 0 && on < boxes.length;
    };
    groupBox.addEventListener('change', () => {
      for (const b of boxes) {
        if (b.checked !== groupBox.checked) {
          b.checked = groupBox.checked;
          opts.setVisible(b.value, b.checked);
        }
      }
      syncGroupBox();
    });
    const items = members.map((layer) => {
      const [primary, secondary] = bilingual(layer.name);
      const box = h('input', { type: 'checkbox', value: layer.id, 'data-layer-id': layer.id, checked: opts.isVisible(layer.id) });
      box.addEventListener('change', () => {
        opts.setVisible(layer.id, box.checked);
        syncGroupBox();
      });
      boxes.push(box);
      const meta = h(
        'div',
        { class: 'layer-meta' },
        h('span', { class: 'layer-count', title: t('features') }, `${formatCount(layer.featureCount)} ${t(layer.featureCount === 1 ? 'feature' : 'features')}`),
        ...downloadLinks(layer.id).flatMap((d) => [
          h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'),
          h('a', { href: d.href, class: 'download', download: `${layer.id}.${d.format}`, title: `${t('download')}: ${d.label}`, 'aria-label': `${d.short}: ${t('download')} ${primary} ${d.label}` }, d.short),
        ]),
      );
      return h(
        'li',
        { class: 'layer-row', 'data-layer-id': layer.id },
        h(
          'label',
          { class: 'layer-label' },
          box,
          legendSwatch(layer),
          h(
            'span',
            { class: 'layer-names' },
            h('span', { class: 'layer-name' }, primary),
            h(
              'span',
              { class: 'layer-sub' },
              secondary ? h('span', { class: 'layer-name-alt', lang: secondary === layer.name.el ? 'el' : 'en' }, secondary) : null,
              layer.synthetic ? h('span', { class: 'badge badge-synthetic', title: t('synthetic_note') }, t('synthetic')) : null,
            ),
          ),
        ),
        h('button', { type: 'button', class: 'zoom-to', title: t('zoom_to'), 'aria-label': `${t('zoom_to')}: ${primary}`, onclick: () => opts.zoomTo(layer.id) }),
        meta,
      );
    });
    syncGroupBox();
    return h(
      'section',
      { class: 'layer-group', 'data-group': group },
      h('h3', { class: 'group-title' }, h('label', null, groupBox, h('span', null, t(`group_${group}` as StringKey))), h('span', { class: 'group-count' }, String(members.length))),
      h('ul', { class: 'layer-list' }, ...items),
    );
  });
  const hasSynthetic = layers.some((l) => l.synthetic);
  replaceChildren(root, ...groups, hasSynthetic ? h('p', { class: 'note note-synthetic' }, h('span', { class: 'badge badge-synthetic' }, t('synthetic')), ' ', t('synthetic_note')) : null);
}
