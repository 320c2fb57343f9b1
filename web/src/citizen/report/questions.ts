/**
 * A category's extra questions: one labelled control each, and reading the answers back in the
 * shape the API's schema checks (lib/incidents.schema.ts validateAnswers).
 */
import type { ExtraQuestion } from '../../../../lib/incidents.schema.ts';
import { h } from '../../dom.ts';
import type { CategoryQuestion } from '../api.ts';
import { N } from '../labels.ts';

export const ERR_ID = (id: string) => `${id}-error`;

export type Answer = string | number | boolean | string[];

export function asExtraQuestion(q: CategoryQuestion): ExtraQuestion {
  return { code: q.code, datatype: q.datatype, required: q.required, order: q.order, description_el: q.description.el, description_en: q.description.en, values: q.values.map((v) => ({ key: v.key, name_el: v.name.el, name_en: v.name.en })) };
}

/** The answer given in the form: undefined for an empty field, [] for a list with nothing ticked. */
export function readAnswer(form: HTMLFormElement, q: CategoryQuestion): Answer | undefined {
  if (q.datatype === 'multivaluelist') return [...form.querySelectorAll<HTMLInputElement>(`input[name="q-${q.code}"]:checked`)].map((x) => x.value);
  if (q.datatype === 'singlevaluelist') return (form.querySelector(`input[name="q-${q.code}"]:checked`) as HTMLInputElement | null)?.value;
  const raw = ((form.elements.namedItem(`q-${q.code}`) as HTMLInputElement | null)?.value ?? '').trim();
  if (raw === '') return undefined;
  return q.datatype === 'number' ? Number(raw) : q.datatype === 'datetime' ? new Date(raw).toISOString() : raw;
}

/** One extra question of a category as a labelled control. */
export function questionField(q: CategoryQuestion): HTMLElement {
  const id = `rf-q-${q.code}`;
  const name = `q-${q.code}`;
  const req = q.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null;
  const error = h('p', { class: 'field-error', id: ERR_ID(id) });
  if (q.datatype === 'singlevaluelist' || q.datatype === 'multivaluelist') {
    const type = q.datatype === 'singlevaluelist' ? 'radio' : 'checkbox';
    return h(
      'fieldset',
      { class: 'field', id, 'aria-describedby': ERR_ID(id) },
      h('legend', null, N(q.description), req),
      h('div', { class: 'chips' }, ...q.values.map((v) => h('label', { class: 'chip' }, h('input', { type, name, value: v.key, class: 'visually-hidden', required: q.required && type === 'radio' }), N(v.name)))),
      error,
    );
  }
  const attrs = { id, name, 'aria-describedby': ERR_ID(id), required: q.required };
  const control =
    q.datatype === 'text'
      ? h('textarea', { ...attrs, rows: 2, maxlength: 500 })
      : h('input', { ...attrs, type: q.datatype === 'number' ? 'number' : q.datatype === 'datetime' ? 'datetime-local' : 'text', ...(q.datatype === 'string' ? { maxlength: 500 } : {}) });
  return h('div', { class: 'field' }, h('label', { for: id }, N(q.description), req), control, error);
}
