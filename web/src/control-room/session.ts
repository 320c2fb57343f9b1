/**
 * One staff session for the whole control room. Panels that need a signed-in user (import,
 * triage, registries, statistics) subscribe here instead of each asking /api/auth/me and each
 * showing a form; there is one sign-in form and one sign-out button. A 401 from any staff call
 * (expired or revoked session) signs the page out through `expired()`.
 */
import { getMe, login, logout, type StaffUser } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { t } from '../i18n.ts';
import { tr, trOr } from './strings.ts';

type Listener = (user: StaffUser | null) => void;

let user: StaffUser | null | undefined;
let loading: Promise<StaffUser | null> | null = null;
const listeners = new Set<Listener>();

function set(next: StaffUser | null): void {
  const changed = (user?.id ?? null) !== (next?.id ?? null) || user === undefined;
  user = next;
  document.body.dataset.signedIn = String(Boolean(next));
  if (changed) for (const fn of listeners) fn(next);
}

/** The signed-in user, asking the server once per page. */
export function currentUser(): Promise<StaffUser | null> {
  if (user !== undefined) return Promise.resolve(user);
  loading ??= getMe()
    .catch(() => null)
    .then((u) => {
      set(u);
      return u;
    });
  return loading;
}

/** Called with the user now and after every sign-in or sign-out. */
export function onSession(fn: Listener): void {
  listeners.add(fn);
  if (user !== undefined) fn(user);
  else void currentUser();
}

export async function signIn(email: string, password: string): Promise<StaffUser> {
  const u = await login(email, password);
  set(u);
  return u;
}

export async function signOut(): Promise<void> {
  await logout().catch(() => {});
  set(null);
}

/** A staff call answered 401: the session ended elsewhere (expiry, revocation). */
export function expired(): void {
  if (user) set(null);
}

/** The sign-in form (`#sign-in-form`); the status line reports a wrong password as text. */
export function signInForm(hint: string = tr('staff_sign_in_hint')): HTMLFormElement {
  const email = h('input', { type: 'text', name: 'email', autocomplete: 'username', inputmode: 'email', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const status = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn' }, t('sign_in'));
  const form = h(
    'form',
    { class: 'sign-in-form', id: 'sign-in-form' },
    h('p', { class: 'field-label' }, hint),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('email')), email),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('password')), password),
    submit,
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    status.textContent = '';
    status.classList.remove('import-failed');
    try {
      await signIn(email.value.trim(), password.value);
    } catch (err) {
      status.textContent = `${t('error')}: ${errorText(err)}`;
      status.classList.add('import-failed');
      submit.disabled = false;
    }
  });
  return form;
}

/** The user chip of the top bar: name, role and a sign-out button. */
export function renderUserChip(root: HTMLElement, u: StaffUser | null): void {
  if (!u) {
    replaceChildren(root);
    root.hidden = true;
    return;
  }
  root.hidden = false;
  const out = h('button', { type: 'button', class: 'link-button', id: 'sign-out' }, t('sign_out'));
  out.addEventListener('click', () => void signOut());
  replaceChildren(
    root,
    h('span', { class: 'user-avatar', 'aria-hidden': 'true' }, initials(u.name)),
    h('span', { class: 'user-name' }, u.name, h('span', { class: 'user-role' }, trOr('role_', u.role))),
    out,
  );
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('');
}
