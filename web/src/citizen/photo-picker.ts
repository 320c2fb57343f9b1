/**
 * Up to five photos with previews. Sizes and types are checked here, and each file must decode as
 * an image, so a citizen on a slow line learns at once (a text file renamed .jpg is refused with
 * its reason before anything is sent); the server checks the bytes again (magic numbers, pixel
 * limit) and re-encodes.
 */
import { h, replaceChildren } from '../dom.ts';
import { uiIcon } from './category-icons.ts';
import { T, tAttrs } from './labels.ts';
import { tr } from './strings.ts';

export const MAX_PHOTOS = 5;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export interface PhotoProblem {
  name: string;
  reason: 'photo_too_big' | 'photo_not_image' | 'photo_unreadable';
}

/** Worth decoding: a type and size the checks below would let through. */
const plausible = (f: { size: number; type: string }) => (!f.type || f.type.startsWith('image/')) && f.size <= MAX_PHOTO_BYTES;

/**
 * Which of `files` may join `current` photos: accepted ones, per-file problems, and overflow.
 * `readable[i]` says whether file i decoded as an image in this browser (unknown: not checked).
 */
export function screenPhotos(current: number, files: { name: string; size: number; type: string }[], readable: (boolean | undefined)[] = []): { accepted: number[]; problems: PhotoProblem[]; overflow: boolean } {
  const accepted: number[] = [];
  const problems: PhotoProblem[] = [];
  let overflow = false;
  files.forEach((f, i) => {
    // Some phones give no type for HEIC or camera files: the decode below decides those.
    if (f.type && !f.type.startsWith('image/')) return problems.push({ name: f.name, reason: 'photo_not_image' });
    if (f.size > MAX_PHOTO_BYTES) return problems.push({ name: f.name, reason: 'photo_too_big' });
    if (readable[i] === false) return problems.push({ name: f.name, reason: 'photo_unreadable' });
    if (current + accepted.length >= MAX_PHOTOS) {
      overflow = true;
      return;
    }
    accepted.push(i);
  });
  return { accepted, problems, overflow };
}

/** Whether the browser can decode the file as an image (its bytes, not its name or type). */
export async function decodesAsImage(file: Blob): Promise<boolean> {
  try {
    const bitmap = await createImageBitmap(file);
    bitmap.close();
    return true;
  } catch {
    return false;
  }
}

export class PhotoPicker {
  readonly element: HTMLElement;
  private files: { file: File; url: string }[] = [];
  private readonly input: HTMLInputElement;
  private readonly grid: HTMLElement;
  private readonly message: HTMLElement;
  private readonly addLabel: HTMLLabelElement;

  constructor(idPrefix: string) {
    this.input = h('input', { type: 'file', id: `${idPrefix}-photos`, name: 'photo', accept: 'image/*', multiple: true, class: 'visually-hidden', 'aria-describedby': `${idPrefix}-photos-hint ${idPrefix}-photos-msg` });
    this.input.addEventListener('change', () => void this.add([...(this.input.files ?? [])]));
    this.grid = h('ul', { class: 'photo-grid', role: 'list' });
    this.message = h('p', { id: `${idPrefix}-photos-msg`, class: 'field-error', role: 'status' });
    this.addLabel = h('label', { for: this.input.id, class: 'photo-add' }, uiIcon('camera', 22), T('add_photo'));
    this.element = h(
      'fieldset',
      { class: 'field photo-field' },
      h('legend', null, T('photos'), h('span', { class: 'count-hint', 'aria-hidden': 'true' })),
      T('photos_hint', 'p', { class: 'hint', id: `${idPrefix}-photos-hint` }),
      this.grid,
      this.input,
      this.message,
    );
    this.render();
  }

  /** Resolves when the picked files are checked and shown (tests wait on it). */
  async add(list: File[]): Promise<void> {
    // The same file may be chosen again after removal.
    this.input.value = '';
    this.message.textContent = list.length ? tr('photo_checking') : '';
    const readable = await Promise.all(list.map((f) => (plausible(f) ? decodesAsImage(f) : undefined)));
    const { accepted, problems, overflow } = screenPhotos(this.files.length, list, readable);
    for (const i of accepted) this.files.push({ file: list[i]!, url: URL.createObjectURL(list[i]!) });
    const lines = problems.map((p) => `${p.name}: ${tr(p.reason)}`);
    if (overflow) lines.push(tr('photo_too_many'));
    this.message.textContent = lines.join(' ');
    this.render();
  }

  remove(index: number): void {
    const [gone] = this.files.splice(index, 1);
    if (gone) URL.revokeObjectURL(gone.url);
    this.message.textContent = '';
    this.render();
    // Focus stays in the field: on the file input (its label shows the focus ring).
    this.input.focus();
  }

  list(): File[] {
    return this.files.map((f) => f.file);
  }

  clear(): void {
    for (const f of this.files) URL.revokeObjectURL(f.url);
    this.files = [];
    this.message.textContent = '';
    this.render();
  }

  private render(): void {
    const items = this.files.map((f, i) => {
      const remove = tAttrs(h('button', { type: 'button', class: 'photo-remove' }, uiIcon('close', 16)), { 'aria-label': 'remove_photo', title: 'remove_photo' });
      remove.addEventListener('click', () => this.remove(i));
      return h('li', { class: 'photo-thumb' }, h('img', { src: f.url, alt: f.file.name }), remove);
    });
    if (this.files.length < MAX_PHOTOS) items.push(h('li', { class: 'photo-thumb photo-thumb-add' }, this.addLabel));
    replaceChildren(this.grid, ...items);
    const count = this.element.querySelector('.count-hint');
    if (count) count.textContent = ` ${this.files.length}/${MAX_PHOTOS}`;
    this.input.disabled = this.files.length >= MAX_PHOTOS;
  }
}
