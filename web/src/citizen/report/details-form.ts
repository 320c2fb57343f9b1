/**
 * Step 2 of a report: the form (category, the category's questions, description, photos,
 * contact) and its validation. Problems are marked on their fields and focus goes to the first;
 * the API's own schema decides the shapes, so the form and the server agree.
 */
import { containsContactDetails, IncidentCreateSchema, validateAnswers } from '../../../../lib/incidents.schema.ts';
import { h, replaceChildren } from '../../dom.ts';
import { getLang } from '../../i18n.ts';
import type { Category, ReportBody } from '../api.ts';
import { categoryBadge } from '../category-icons.ts';
import { N, T, tAttrs } from '../labels.ts';
import { PhotoPicker } from '../photo-picker.ts';
import { tr, type CitizenKey } from '../strings.ts';
import { asExtraQuestion, ERR_ID, questionField, readAnswer, type Answer } from './questions.ts';

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export class DetailsForm {
  readonly form: HTMLFormElement;
  readonly photos: PhotoPicker;
  readonly formError: HTMLElement;
  private readonly questionsBox: HTMLElement;
  private readonly categories: Category[];

  constructor(categories: Category[], onSubmit: () => void) {
    this.categories = categories;
    this.questionsBox = h('div', { class: 'questions' });
    this.photos = new PhotoPicker('rf');
    this.formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
    this.form = this.build();
    // A corrected field loses its error mark at once.
    this.form.addEventListener('input', (e) => this.clearFieldOf(e.target as HTMLElement));
    this.form.addEventListener('change', (e) => this.clearFieldOf(e.target as HTMLElement));
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      onSubmit();
    });
  }

  private build(): HTMLFormElement {
    const tiles = this.categories.map((c) => {
      const radio = h('input', { type: 'radio', name: 'category', value: c.id, class: 'visually-hidden', required: true });
      radio.addEventListener('change', () => this.renderQuestions());
      return h('label', { class: 'cat-tile' }, radio, categoryBadge(c.id, 34), N(c.name, 'span', { class: 'cat-name' }));
    });
    const categoryField = h(
      'fieldset',
      { class: 'field', id: 'rf-category', 'aria-describedby': ERR_ID('rf-category') },
      h('legend', null, T('choose_category'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('div', { class: 'cat-grid' }, ...tiles),
      h('p', { class: 'field-error', id: ERR_ID('rf-category') }),
    );
    const description = h('textarea', { id: 'rf-description', name: 'description', rows: 4, maxlength: 2000, required: true, 'aria-describedby': `rf-description-hint ${ERR_ID('rf-description')}` });
    tAttrs(description, { placeholder: 'description_placeholder' });
    const counter = h('span', { class: 'char-count', 'aria-hidden': 'true' }, '0/2000');
    const contactWarning = h('p', { class: 'hint hint-warn', hidden: true, 'aria-live': 'polite' });
    description.addEventListener('input', () => {
      counter.textContent = `${description.value.length}/2000`;
      const warn = containsContactDetails(description.value);
      contactWarning.hidden = !warn;
      contactWarning.textContent = warn ? tr('description_hint') : '';
    });
    const descField = h(
      'div',
      { class: 'field' },
      h('label', { for: 'rf-description' }, T('description'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      T('description_hint', 'p', { class: 'hint', id: 'rf-description-hint' }),
      description,
      h('div', { class: 'field-meta' }, h('p', { class: 'field-error', id: ERR_ID('rf-description') }), counter),
      contactWarning,
    );
    return h('form', { id: 'report-form', class: 'phase report-form', novalidate: true }, this.formError, categoryField, this.questionsBox, descField, this.photos.element, contactField());
  }

  private selectedCategory(): Category | undefined {
    const id = (this.form.querySelector('input[name="category"]:checked') as HTMLInputElement | null)?.value;
    return this.categories.find((c) => c.id === id);
  }

  private renderQuestions(): void {
    const cat = this.selectedCategory();
    this.clearError('rf-category');
    const qs = [...(cat?.questions ?? [])].sort((a, b) => a.order - b.order);
    replaceChildren(this.questionsBox, ...qs.map((q) => questionField(q)));
  }

  private setError(id: string, key: CitizenKey | null): void {
    const field = document.getElementById(id);
    const msg = document.getElementById(ERR_ID(id));
    if (field) field.setAttribute('aria-invalid', key ? 'true' : 'false');
    if (msg) {
      msg.textContent = key ? tr(key) : '';
      if (key) msg.dataset.t = key;
      else delete msg.dataset.t;
    }
  }

  private clearError(id: string): void {
    this.setError(id, null);
  }

  private clearFieldOf(target: HTMLElement): void {
    const holder = target.closest<HTMLElement>('[aria-invalid="true"]') ?? (target.getAttribute('aria-invalid') === 'true' ? target : null);
    if (holder?.id) this.clearError(holder.id);
    if (!this.form.querySelector('[aria-invalid="true"]')) this.formError.hidden = true;
  }

  /** A message over the form that is not about one field (the server refused the report). */
  showError(text: string): void {
    this.formError.hidden = false;
    this.formError.removeAttribute('data-t');
    this.formError.textContent = text;
    this.formError.focus();
  }

  /** The request body for a pin, or null after marking what is wrong (focus goes to the first problem). */
  collect(pin: [number, number]): ReportBody | null {
    const f = this.form;
    const val = (name: string) => ((f.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '').trim();
    const checked = (name: string) => Boolean((f.elements.namedItem(name) as HTMLInputElement | null)?.checked);
    const cat = this.selectedCategory();
    const problems: [string, CitizenKey][] = [];
    if (!cat) problems.push(['rf-category', 'err_category']);
    if (!val('description')) problems.push(['rf-description', 'err_description']);
    const email = val('email');
    const phone = val('phone');
    const answers: Record<string, Answer> = {};
    for (const q of cat?.questions ?? []) {
      const id = `rf-q-${q.code}`;
      const v = readAnswer(f, q);
      if (v !== undefined && !(Array.isArray(v) && v.length === 0)) answers[q.code] = v;
      const check = validateAnswers([asExtraQuestion(q)], v === undefined ? {} : { [q.code]: v });
      if ('error' in check) problems.push([id, 'err_answer']);
      else this.clearError(id);
    }
    const body: ReportBody = {
      category: cat?.id ?? '',
      description: val('description'),
      location: { type: 'Point', coordinates: [round6(pin[0]), round6(pin[1])] },
      anonymous: checked('anonymous'),
      notify: Boolean(email) && checked('notify'),
      locale: getLang(),
      ...(Object.keys(answers).length ? { answers } : {}),
    };
    const contact = { ...(email ? { email } : {}), ...(phone ? { phone } : {}), ...(!body.anonymous && val('name') ? { name: val('name') } : {}) };
    if (Object.keys(contact).length) body.contact = contact;
    // The API's own schema decides the rest (email and phone shapes, lengths, control characters).
    const parsed = IncidentCreateSchema.safeParse(body);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.join('.');
        if (path === 'contact.email') problems.push(['rf-email', 'err_email']);
        else if (path === 'contact.phone') problems.push(['rf-phone', 'err_phone']);
        else if (path === 'description' && !problems.some(([id]) => id === 'rf-description')) problems.push(['rf-description', 'err_description']);
      }
    }
    for (const id of ['rf-category', 'rf-description', 'rf-email', 'rf-phone']) if (!problems.some(([p]) => p === id)) this.clearError(id);
    for (const [id, key] of problems) this.setError(id, key);
    if (problems.length) {
      this.formError.hidden = false;
      this.formError.dataset.t = 'err_form';
      this.formError.textContent = tr('err_form');
      const first = document.getElementById(problems[0]![0]);
      const focusable = first?.matches('input, textarea, select') ? first : first?.querySelector<HTMLElement>('input, textarea, select');
      focusable?.focus();
      first?.scrollIntoView({ block: 'center' });
      return null;
    }
    this.formError.hidden = true;
    return body;
  }

  reset(): void {
    this.form.reset();
    this.photos.clear();
    replaceChildren(this.questionsBox);
    this.formError.hidden = true;
    for (const el of this.form.querySelectorAll('[aria-invalid]')) el.setAttribute('aria-invalid', 'false');
    for (const el of this.form.querySelectorAll('.field-error')) el.textContent = '';
    const counter = this.form.querySelector('.char-count');
    if (counter) counter.textContent = '0/2000';
  }
}

/** Email, phone and name: never published; the name only when the report is not anonymous. */
function contactField(): HTMLElement {
  const email = h('input', { type: 'email', id: 'rf-email', name: 'email', autocomplete: 'email', inputmode: 'email', maxlength: 254, 'aria-describedby': ERR_ID('rf-email') });
  const phone = h('input', { type: 'tel', id: 'rf-phone', name: 'phone', autocomplete: 'tel', inputmode: 'tel', maxlength: 32, 'aria-describedby': ERR_ID('rf-phone') });
  const anonymous = h('input', { type: 'checkbox', id: 'rf-anonymous', name: 'anonymous', checked: true });
  const nameInput = h('input', { type: 'text', id: 'rf-name', name: 'name', autocomplete: 'name', maxlength: 120 });
  const nameField = h('div', { class: 'field field-inline', hidden: true }, h('label', { for: 'rf-name' }, T('name')), nameInput);
  anonymous.addEventListener('change', () => (nameField.hidden = anonymous.checked));
  const notify = h('input', { type: 'checkbox', id: 'rf-notify', name: 'notify', checked: true });
  const notifyRow = h('label', { class: 'check-row', hidden: true }, notify, T('notify'));
  email.addEventListener('input', () => (notifyRow.hidden = email.value.trim() === ''));
  return h(
    'fieldset',
    { class: 'field contact-field' },
    h('legend', null, T('contact')),
    T('contact_hint', 'p', { class: 'hint' }),
    h('div', { class: 'field field-inline' }, h('label', { for: 'rf-email' }, T('email')), email, h('p', { class: 'field-error', id: ERR_ID('rf-email') })),
    notifyRow,
    h('div', { class: 'field field-inline' }, h('label', { for: 'rf-phone' }, T('phone')), phone, h('p', { class: 'field-error', id: ERR_ID('rf-phone') })),
    h('label', { class: 'check-row' }, anonymous, T('anonymous')),
    nameField,
  );
}
