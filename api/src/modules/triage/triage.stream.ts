/**
 * The control room's live feed: the incidents stream mechanism (feed-hub.ts) on the staff feed
 * (incident_staff_feed, 0030), whose rows carry staff fields (priority, department, assignee,
 * SLA state, held-back reports). Each event is fetched once per process and filtered per client
 * by its scope in triage.map.routes.ts.
 */
import type { Pool } from '../../db.ts';
import type { Logger } from '../../logger.ts';
import { feedHub, type FeedHub } from '../../http/feed-hub.ts';
import { staffFeedRows, type StaffFeedRow } from './triage.sql.ts';

export interface StaffFeedEvent {
  id: number;
  row: StaffFeedRow;
}

const toEvent = (row: StaffFeedRow): StaffFeedEvent => ({ id: row.feed_id, row });

export function staffStreamHub(sql: Pool, logger: Logger): FeedHub<StaffFeedEvent> {
  return feedHub<StaffFeedEvent>(sql, logger, {
    channel: 'incident_staff_feed',
    byIds: async (ids) => (await staffFeedRows(sql, { ids }, ids.length)).map(toEvent),
    after: async (afterId, limit) => (await staffFeedRows(sql, { afterId }, limit)).map(toEvent),
  });
}
