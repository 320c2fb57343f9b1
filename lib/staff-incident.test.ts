import { describe, expect, it } from 'vitest';
import { staffIncidentCollection, staffIncidentFeature, type StaffFeatureRow } from './staff-incident.ts';

const row: StaffFeatureRow = {
  id: 42,
  number: '2026/000042',
  status: 'acknowledged',
  priority: 'high',
  category_id: 'street_light',
  department_id: 'lighting',
  district_code: 'D"1',
  assigned_to: null,
  sla_state: 'due_soon',
  sla_due_at: new Date('2026-03-02T10:00:00Z'),
  created_at: new Date('2026-03-01T10:00:30Z'),
  updated_at: '2026-03-01T11:00:00Z',
  held: false,
  support_count: 3,
  lon: 23.6461,
  lat: 37.9421,
};

describe('staff incident wire format', () => {
  it('encodes a row as the Feature the snapshot and the stream send', () => {
    expect(staffIncidentFeature(row)).toEqual({
      type: 'Feature',
      id: 42,
      geometry: { type: 'Point', coordinates: [23.6461, 37.9421] },
      properties: {
        number: '2026/000042',
        status: 'acknowledged',
        priority: 'high',
        category: 'street_light',
        department: 'lighting',
        district: 'D"1',
        sla: 'due_soon',
        created: Date.parse('2026-03-01T10:00:30Z') / 1000,
        held: false,
        assignedTo: null,
        supportCount: 3,
        slaDueAt: '2026-03-02T10:00:00.000Z',
        updatedAt: '2026-03-01T11:00:00.000Z',
      },
    });
  });

  it('builds a parseable FeatureCollection whose features are the encoder output, escaping free text', () => {
    const body = staffIncidentCollection([row, { ...row, id: 43, assigned_to: 7 }]);
    const fc = JSON.parse(body);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toEqual([staffIncidentFeature(row), staffIncidentFeature({ ...row, id: 43, assigned_to: 7 })]);
    expect(JSON.parse(staffIncidentCollection([]))).toEqual({ type: 'FeatureCollection', features: [] });
  });
});
