/**
 * Who is signed in, and today's list from the server: refreshing it, the sign-in card (first
 * run, expired session, a role without crew access) and signing out (only with nothing queued).
 */
import { ApiError, login, logout } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { addNotice, rebuild } from './actions.ts';
import { getToday } from './api.ts';
import { startMap } from './map-start.ts';
import { state } from './state.ts';
import { tr } from './strings.ts';
import { clearPersonalCaches } from './sw-register.ts';
import { $ } from './ui.ts';
import { renderHeader } from './views/header.ts';

export async function refresh(): Promise<void> {
  if (!navigator.onLine) return;
  try {
    const fresh = await getToday();
    if (state.today && state.today.user.id !== fresh.user.id) await state.store.clearUserData();
    state.today = fresh;
    await state.store.setToday(fresh);
    state.signInMessage = null;
    rebuild();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      showSignIn(state.today ? tr('session_expired') : null);
    } else if (err instanceof ApiError && err.status === 403) {
      showSignIn(errorText(err));
    }
    // No answer: keep what we have; the banner says offline.
  }
}

export function showSignIn(message: string | null): void {
  state.signInMessage = message;
  const section = $('sign-in');
  section.hidden = false;
  $('today').hidden = !state.today;
  document.body.classList.add('signing-in');
  const email = h('input', { type: 'email', id: 'email', name: 'email', autocomplete: 'username', required: true, inputmode: 'email' });
  const password = h('input', { type: 'password', id: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, tr('sign_in'));
  const form = h(
    'form',
    { class: 'sign-in-card' },
    h('span', { class: 'crew-mark big', 'aria-hidden': 'true' }),
    h('h2', null, tr('sign_in_title')),
    h('p', { class: 'muted' }, state.signInMessage ?? tr('sign_in_lead')),
    h('label', { for: 'email' }, tr('email')),
    email,
    h('label', { for: 'password' }, tr('password')),
    password,
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    submit.textContent = tr('signing_in');
    error.textContent = '';
    try {
      await login(email.value, password.value);
      section.hidden = true;
      document.body.classList.remove('signing-in');
      await refresh();
      await startMap();
      state.outbox.resume();
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status !== 0 ? errorText(err) : tr('offline_first_run');
    } finally {
      submit.disabled = false;
      submit.textContent = tr('sign_in');
    }
  });
  replaceChildren(section, form);
  if (!navigator.onLine && !state.today) error.textContent = tr('offline_first_run');
}

export async function signOut(): Promise<void> {
  if ((await state.store.count()) > 0) {
    await addNotice({ kind: 'rejected', workOrderId: 0, title: tr('sign_out'), message: tr('sign_out_blocked') });
    return;
  }
  await logout().catch(() => {});
  await state.store.clearUserData();
  await clearPersonalCaches();
  state.today = undefined;
  state.views = [];
  $('today').hidden = true;
  location.hash = '';
  renderHeader();
  showSignIn(null);
}
