/**
 * The page an invitation or reset link opens (`/control#invite=<token>`): the person chooses a
 * password; the token leaves the address bar at once so it is not kept in history or shared by
 * a screenshot.
 */
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { getLang } from '../i18n.ts';
import { adminApi } from './admin-api.ts';

const L = (el: string, en: string) => (getLang() === 'el' ? el : en);

/** Shows the set-password form when the address carries an invitation; returns whether it did. */
export function mountInviteAcceptance(container: HTMLElement): boolean {
  const m = /^#invite=([A-Za-z0-9_-]{43})$/.exec(location.hash);
  if (!m) return false;
  const token = m[1]!;
  history.replaceState(null, '', location.pathname);
  const password = h('input', { type: 'password', name: 'password', required: true, minlength: 12, autocomplete: 'new-password', id: 'invite-password' });
  const out = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite', id: 'invite-status' });
  const form = h('form', { class: 'admin-form', id: 'invite-form' },
    h('h2', { class: 'panel-title' }, L('Ορίστε τον κωδικό σας', 'Choose your password')),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, L('Κωδικός (τουλάχιστον 12 χαρακτήρες)', 'Password (at least 12 characters)')), password),
    h('button', { type: 'submit', class: 'btn' }, L('Αποθήκευση', 'Save')), out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    adminApi.accept(token, password.value).then(
      () => replaceChildren(out, L('Έτοιμο: συνδεθείτε με το email σας.', 'Done: sign in with your email.')),
      (err: Error) => replaceChildren(out, errorText(err)),
    );
  });
  const root = h('section', { class: 'panel', id: 'invite-panel' });
  replaceChildren(root, form);
  container.prepend(root);
  return true;
}
