/**
 * What every view of the incident detail panel shares: the dispatch hub, the panel's options,
 * `act` (run a change, report it, reload) and the section frame. The views are one file each:
 * header, photos, timeline, asset, duplicates, work orders, actions.
 */
import { h, type Child } from '../../dom.ts';
import type { AttributeLabels } from '../../map/attribute-labels.ts';
import type { Dispatch } from '../dispatch.ts';
import type { TriageMeta } from '../staff-api.ts';

export interface DetailOptions {
  meta(): TriageMeta | null;
  back(): void;
  openWorkOrder(incidentIds: number[]): void;
  openAssetWorkOrder(asset: { id: number; name: string | null; layerId: string }): void;
  /** The attribute labels of a catalogue layer (layers.attribute_labels), for the asset card. */
  attributeLabels?(layerId: string): AttributeLabels | undefined;
}

export interface DetailView {
  d: Dispatch;
  opts: DetailOptions;
  /** The dispatcher may change this report (permissions.write). */
  writable: boolean;
  /** Runs a change with the control disabled, reports it and reloads the panel. */
  act(control: HTMLButtonElement | HTMLSelectElement | null, fn: () => Promise<unknown>): Promise<void>;
  /** Reports a problem in the panel's status line. */
  fail(text: string): void;
}

export const section = (title: string, id: string, ...children: Child[]) =>
  h('section', { class: 'detail-section', id, 'aria-label': title }, h('h3', { class: 'section-title' }, title), ...children);
