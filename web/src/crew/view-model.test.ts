import { describe, expect, it } from 'vitest';
import type { CrewOrder, Op, Transition } from './api.ts';
import { applyPending, boundsOf, defaultPhase, nextStatuses } from './view-model.ts';
import { fitWithin } from './photo.ts';

const order = (id: number, status: CrewOrder['status']): CrewOrder => ({
  id,
  kind: 'playground',
  title: `Order ${id}`,
  titleI18n: null,
  description: '',
  status,
  version: 3,
  priority: 'normal',
  address: null,
  asset: { id: 1, name: 'A', layerId: 'playgrounds', layerName: { el: 'Π', en: 'P' }, geometry: { type: 'Polygon', coordinates: [[[23.6, 37.9], [23.7, 37.9], [23.7, 38.0], [23.6, 37.9]]] } },
  location: { type: 'Point', coordinates: [23.65, 37.95] },
  navigateUri: 'geo:37.95,23.65?q=37.95,23.65',
  reports: [],
  plannedStart: null,
  plannedEnd: null,
  startedAt: null,
  finishedAt: null,
  updatedAt: '',
  notes: [],
  photos: [],
});
const base = { userId: 5, createdAt: '2026-05-01T08:00:00Z' };

describe('applyPending', () => {
  it('shows queued changes on top of the server state, in queue order', () => {
    const blob = new Blob(['x'], { type: 'image/jpeg' });
    const ops: Op[] = [
      { ...base, seq: 3, opId: 'c', workOrderId: 1, kind: 'transition', from: 'in_progress', to: 'done', version: 3 },
      { ...base, seq: 1, opId: 'a', workOrderId: 1, kind: 'transition', from: 'scheduled', to: 'in_progress', version: 3 },
      { ...base, seq: 2, opId: 'b', workOrderId: 1, kind: 'note', body: 'hello' },
      { ...base, seq: 4, opId: 'd', workOrderId: 2, kind: 'photo', phase: 'before', blob },
      { ...base, seq: 5, opId: 'e', workOrderId: 99, kind: 'note', body: 'not on the list' },
    ];
    const [one, two] = applyPending([order(1, 'scheduled'), order(2, 'planned')], ops);
    expect(one!.status).toBe('done');
    expect(one!.serverStatus).toBe('scheduled');
    expect(one!.pendingCount).toBe(3);
    expect(one!.pendingNotes.map((n) => n.body)).toEqual(['hello']);
    expect(two!.pendingPhotos).toEqual([{ opId: 'd', phase: 'before', blob }]);
    expect(two!.status).toBe('planned');
  });

  it('leaves the server state alone when nothing waits', () => {
    const [v] = applyPending([order(1, 'scheduled')], []);
    expect(v).toMatchObject({ status: 'scheduled', pendingCount: 0, baseVersion: 3 });
  });
});

describe('nextStatuses', () => {
  const crew: Transition[] = [
    { from: 'planned', to: 'in_progress' },
    { from: 'scheduled', to: 'in_progress' },
    { from: 'in_progress', to: 'done' },
  ];
  it('offers only the moves allowed from the shown status', () => {
    expect(nextStatuses('scheduled', crew)).toEqual(['in_progress']);
    expect(nextStatuses('in_progress', crew)).toEqual(['done']);
    expect(nextStatuses('done', crew)).toEqual([]);
    expect(nextStatuses('planned', [{ from: 'planned', to: 'cancelled' }, { from: 'planned', to: 'scheduled' }])).toEqual(['scheduled', 'cancelled']);
  });
});

describe('helpers', () => {
  it('picks the photo phase from the status', () => {
    expect(defaultPhase('scheduled')).toBe('before');
    expect(defaultPhase('in_progress')).toBe('after');
  });
  it('frames points and asset geometry', () => {
    expect(boundsOf([order(1, 'planned')])).toEqual([23.6, 37.9, 23.7, 38.0]);
    expect(boundsOf([])).toBeNull();
  });
  it('shrinks photos to 2048 px on the long edge, never enlarges', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 2048, height: 1536 });
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
  });
});
