/**
 * A file input whose button and "no file" text are in the reader's language. The browser draws
 * its own native picker in the browser's language ("Choose file", "No file chosen") whatever the
 * page says; here the native input stays (keyboard, screen readers, drag and drop, tests'
 * setInputFiles) but is visually hidden, and a styled button and the chosen name are drawn
 * instead. Its accessible name is the field's label plus the button's words, so what a voice
 * user says ("Choose file") is what they see.
 */
import { h } from '../dom.ts';
import './file-picker.css';
import { tr } from './strings.ts';

let serial = 0;

export function filePicker(input: HTMLInputElement, label: string): HTMLElement {
  const id = `file-picker-${++serial}`;
  input.classList.add('file-picker-input');
  input.setAttribute('aria-labelledby', `${id}-label ${id}-button`);
  const name = h('span', { class: 'file-picker-name', id: `${id}-name` }, tr('no_file_chosen'));
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    name.textContent = files.length ? files.map((f) => f.name).join(', ') : tr('no_file_chosen');
  });
  return h(
    'div',
    { class: 'field file-picker' },
    h('span', { class: 'field-label', id: `${id}-label` }, label),
    h('label', { class: 'file-picker-row' }, input, h('span', { class: 'btn btn-small btn-secondary file-picker-button', id: `${id}-button` }, tr('choose_file')), name),
  );
}
