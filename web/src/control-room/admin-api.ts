/** Calls of the Administration area (api/src/modules/admin, /api/auth/users, /api/audit). */
import type { AdminCategory, ApiKey, InvitationResponse, NewApiKey, ResetResponse } from '../../../lib/admin.schema.ts';
import type { AuditEvent } from '../../../lib/audit.schema.ts';
import type { StaffAccount } from '../../../lib/auth.schema.ts';
import { fetchJson } from '../api-client.ts';
import { staffJson } from './staff-api.ts';

export const adminApi = {
  invite: (b: { email: string; name: string; role: string; departmentId: string | null }) =>
    staffJson<InvitationResponse>('/api/admin/invitations', { method: 'POST', json: b }),
  reset: (id: number) => staffJson<ResetResponse>(`/api/admin/users/${id}/reset`, { method: 'POST', json: {} }),
  users: async () => (await staffJson<{ users: StaffAccount[] }>('/api/auth/users')).users,
  setDisabled: (id: number, disabled: boolean) => staffJson(`/api/auth/users/${id}`, { method: 'PATCH', json: { disabled } }),
  categories: async () => (await staffJson<{ categories: AdminCategory[] }>('/api/admin/categories')).categories,
  createCategory: (b: Record<string, unknown>) => staffJson<{ category: AdminCategory }>('/api/admin/categories', { method: 'POST', json: b }),
  keys: async () => (await staffJson<{ keys: ApiKey[] }>('/api/admin/open311-keys')).keys,
  createKey: (name: string) => staffJson<NewApiKey>('/api/admin/open311-keys', { method: 'POST', json: { name } }),
  revokeKey: (id: number) => staffJson(`/api/admin/open311-keys/${id}/revoke`, { method: 'POST', json: {} }),
  patchLayer: (id: string, b: Record<string, unknown>) => staffJson(`/api/admin/layers/${encodeURIComponent(id)}`, { method: 'PATCH', json: b }),
  audit: async (filters: { action?: string; objectType?: string }) => {
    const q = new URLSearchParams({ limit: '30' });
    if (filters.action) q.set('action', filters.action);
    if (filters.objectType) q.set('objectType', filters.objectType);
    return (await staffJson<{ events: AuditEvent[] }>(`/api/audit?${q}`)).events;
  },
  /** Public: the invited person sets a password with the link's token. */
  accept: (token: string, password: string) =>
    fetchJson<null>('/api/invitations/accept', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token, password }) }),
};
