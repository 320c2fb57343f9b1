/**
 * Step 1 of a report: placing the pin. A panel that is not modal (the map must stay usable):
 * tap the map, use the phone's location, or take the map centre (for keyboard users). The pin
 * must fall inside the municipality and can be dragged to adjust.
 */
import { Marker, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import { h } from '../../dom.ts';
import { uiIcon } from '../category-icons.ts';
import { pointInAreas } from '../geo.ts';
import { T } from '../labels.ts';
import { tr, type CitizenKey } from '../strings.ts';

export interface PlaceStepDeps {
  map: MapLibreMap;
  boundary: GeoJSON.FeatureCollection | null;
  /** The pin is placed and the citizen goes on to the form. */
  onNext(): void;
  /** The citizen gives up the report (button or Escape). */
  onCancel(): void;
}

export class PlaceStep {
  readonly panel: HTMLElement;
  placing = false;
  pin: [number, number] | null = null;
  private marker: Marker | null = null;
  private readonly d: PlaceStepDeps;
  private readonly statusLine: HTMLElement;
  private readonly nextButton: HTMLButtonElement;

  constructor(deps: PlaceStepDeps) {
    this.d = deps;
    this.statusLine = h('p', { class: 'place-status', role: 'status', 'aria-live': 'polite' });
    this.nextButton = h('button', { type: 'button', id: 'place-next', class: 'btn btn-primary', disabled: true }, T('next'));
    this.nextButton.addEventListener('click', () => deps.onNext());
    const locate = h('button', { type: 'button', id: 'place-locate', class: 'btn btn-secondary' }, uiIcon('locate', 18), T('use_location'));
    locate.addEventListener('click', () => this.locate());
    const centre = h('button', { type: 'button', id: 'place-centre', class: 'btn btn-secondary' }, uiIcon('pin', 18), T('use_centre'));
    centre.addEventListener('click', () => {
      const c = deps.map.getCenter();
      this.setPin([c.lng, c.lat], true);
    });
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, T('cancel'));
    cancel.addEventListener('click', () => deps.onCancel());
    this.panel = h(
      'section',
      { id: 'place-panel', class: 'place-panel', hidden: true, 'aria-labelledby': 'place-title' },
      h('div', { class: 'sheet-grip', 'aria-hidden': 'true' }),
      h('p', { class: 'step-label' }, T('step_of'), ' 1 ', T('of'), ' 2'),
      T('step_place', 'h2', { id: 'place-title', tabindex: '-1' }),
      T('place_hint', 'p', { class: 'hint' }),
      T('place_hint_keyboard', 'p', { class: 'hint visually-hidden-until-focus' }),
      h('div', { class: 'btn-row' }, locate, centre),
      this.statusLine,
      h('div', { class: 'btn-row btn-row-end' }, cancel, this.nextButton),
    );
    document.body.appendChild(this.panel);
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') deps.onCancel();
    });
    deps.map.on('click', (e: MapMouseEvent) => {
      if (this.placing) this.setPin([e.lngLat.lng, e.lngLat.lat], false);
    });
  }

  /** Shows the panel (again): a pin already placed stays where it was. */
  show(): void {
    this.placing = true;
    this.panel.hidden = false;
    document.body.classList.add('is-placing');
    this.statusLine.textContent = '';
    if (this.pin) this.marker?.addTo(this.d.map);
    this.nextButton.disabled = !this.pin;
    (this.panel.querySelector('#place-title') as HTMLElement).focus();
  }

  /** Hides the panel, keeping the pin (the form is open over the map). */
  hide(): void {
    this.placing = false;
    this.panel.hidden = true;
    document.body.classList.remove('is-placing');
  }

  /** Hides the panel and forgets the pin. */
  clear(): void {
    this.hide();
    this.marker?.remove();
    this.pin = null;
    this.marker = null;
  }

  say(key: CitizenKey, kind: 'ok' | 'error' | ''): void {
    this.statusLine.textContent = tr(key);
    this.statusLine.dataset.kind = kind;
  }

  private setPin(at: [number, number], fromCentre: boolean): void {
    if (!pointInAreas(at[0], at[1], this.d.boundary)) return this.say('location_outside', 'error');
    this.pin = at;
    if (!this.marker) {
      const el = h('div', { class: 'report-pin', 'aria-hidden': 'true' }, uiIcon('pin', 40));
      this.marker = new Marker({ element: el, draggable: true, anchor: 'bottom' });
      this.marker.on('dragend', () => {
        const ll = this.marker!.getLngLat();
        if (pointInAreas(ll.lng, ll.lat, this.d.boundary)) {
          this.pin = [ll.lng, ll.lat];
          this.say('pin_placed', 'ok');
        } else {
          this.marker!.setLngLat(this.pin!);
          this.say('location_outside', 'error');
        }
      });
    }
    this.marker.setLngLat(at).addTo(this.d.map);
    this.say('pin_placed', 'ok');
    this.nextButton.disabled = false;
    if (!fromCentre && this.d.map.getZoom() < 16) this.d.map.easeTo({ center: at, zoom: 16, duration: 400 });
  }

  private locate(): void {
    if (!('geolocation' in navigator)) {
      this.statusLine.textContent = tr('location_denied');
      return;
    }
    this.say('locating', '');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const at: [number, number] = [pos.coords.longitude, pos.coords.latitude];
        this.setPin(at, true);
        if (this.pin === at) this.d.map.easeTo({ center: at, zoom: 17 });
      },
      () => this.say('location_denied', 'error'),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }
}
