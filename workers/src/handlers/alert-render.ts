/**
 * The words of an alert message by channel and language. Test and Exercise messages say so first,
 * in the subject and the body, so nobody mistakes them for a real warning (RELIABILITY Z8).
 */
export interface AlertText {
  alert_id: number;
  status: string;
  msg_type: string;
  event: string;
  headline: string | null;
  description: string | null;
  instruction: string | null;
  severity: string;
  expires: Date | null;
  area_desc: string | null;
  /** The alert's <senderName> in this language: the municipality's civil protection. */
  sender_name: string | null;
}

const MARK: Record<string, { el: string; en: string }> = {
  Test: { el: '[ΔΟΚΙΜΗ] ', en: '[TEST] ' },
  Exercise: { el: '[ΑΣΚΗΣΗ] ', en: '[EXERCISE] ' },
};

function isGreek(t: AlertText, locale: string): boolean {
  return locale === 'el';
}

export function renderAlertEmail(t: AlertText, row: { locale: 'el' | 'en'; subscriber_id: number; unsubscribe_token: string }, publicUrl: string): { subject: string; text: string } {
  const el = isGreek(t, row.locale);
  const mark = MARK[t.status]?.[el ? 'el' : 'en'] ?? '';
  const cancel = t.msg_type === 'Cancel';
  const subject = `${mark}${cancel ? '' : el ? 'Προειδοποίηση: ' : 'Warning: '}${t.headline ?? t.event}`;
  const link = `${publicUrl}/?alert=${t.alert_id}`;
  const unsubscribe = `${publicUrl}/api/public/alert-subscriptions/unsubscribe?s=${row.subscriber_id}&t=${row.unsubscribe_token}`;
  const lines = [
    mark ? (el ? `${mark}Αυτό είναι μήνυμα δοκιμής ή άσκησης, όχι πραγματική προειδοποίηση.` : `${mark}This is a test or exercise message, not a real warning.`) : '',
    t.headline ?? t.event,
    '',
    t.description ?? '',
    t.instruction ? `\n${t.instruction}` : '',
    t.area_desc ? `\n${el ? 'Περιοχή' : 'Area'}: ${t.area_desc}` : '',
    t.expires ? `${el ? 'Ισχύει έως' : 'Valid until'}: ${t.expires.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '',
    '',
    `${el ? 'Στον χάρτη' : 'On the map'}: ${link}`,
    '',
    `${el ? 'Διαγραφή από τις ειδοποιήσεις' : 'Unsubscribe'}: ${unsubscribe}`,
    t.sender_name ?? (el ? 'Πολιτική Προστασία' : 'Civil Protection'),
  ];
  return { subject: subject.slice(0, 200), text: lines.filter((l, i) => l !== '' || i > 0).join('\n') };
}

/** The push payload the public app's service worker shows as a notification. */
export function renderAlertPush(t: AlertText, publicUrl: string): string {
  const mark = MARK[t.status]?.en ?? '';
  return JSON.stringify({ title: `${mark}${t.headline ?? t.event}`.slice(0, 120), body: (t.description ?? '').slice(0, 300), url: `${publicUrl}/?alert=${t.alert_id}`, status: t.status, msgType: t.msg_type });
}
