/**
 * The photos of a filed report, sent one by one with its private token. The report stands even
 * when a photo is refused or lost on the way: each failed photo is listed with the server's
 * reason (translated from its code) and a Retry button that sends that photo alone again.
 */
import { h, replaceChildren } from '../../dom.ts';
import { uploadPhoto } from '../api.ts';
import { uiIcon } from '../category-icons.ts';
import { T } from '../labels.ts';
import { reasonText } from '../reason.ts';

interface Failed {
  file: File;
  reason: string;
  sent: boolean;
}

export class PhotoUploads {
  /** The failed photos, shown on the done screen; empty (and hidden) when all went through. */
  readonly element: HTMLElement;
  private readonly number: string;
  private readonly token: string;
  private failed: Failed[] = [];

  constructor(number: string, token: string) {
    this.number = number;
    this.token = token;
    this.element = h('section', { class: 'photo-uploads', 'aria-labelledby': 'photo-uploads-title', hidden: true });
  }

  /** Sends every file once, in order; `progress` is told before each. Returns how many failed. */
  async sendAll(files: File[], progress: (index: number, total: number) => void): Promise<number> {
    for (const [i, file] of files.entries()) {
      progress(i, files.length);
      try {
        await uploadPhoto(this.number, this.token, file);
      } catch (err) {
        this.failed.push({ file, reason: reasonText(err), sent: false });
      }
    }
    this.render();
    return this.failed.length;
  }

  private async retry(item: Failed, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await uploadPhoto(this.number, this.token, item.file);
      item.sent = true;
    } catch (err) {
      item.reason = reasonText(err);
    }
    this.render();
    // Focus stays on the row the citizen acted on.
    this.element.querySelector<HTMLElement>(`[data-index="${this.failed.indexOf(item)}"] .upload-status, [data-index="${this.failed.indexOf(item)}"] button`)?.focus();
  }

  private render(): void {
    this.element.hidden = this.failed.length === 0;
    const rows = this.failed.map((item, i) => {
      if (item.sent) {
        return h('li', { class: 'upload-row is-sent', 'data-index': i }, h('span', { class: 'upload-name' }, item.file.name), h('span', { class: 'upload-status', tabindex: '-1' }, uiIcon('check', 16), T('photo_sent')));
      }
      const retry = h('button', { type: 'button', class: 'btn btn-secondary btn-small upload-retry' }, T('retry'));
      retry.addEventListener('click', () => void this.retry(item, retry));
      return h('li', { class: 'upload-row is-failed', 'data-index': i }, h('span', { class: 'upload-name' }, item.file.name), h('span', { class: 'upload-reason' }, item.reason), retry);
    });
    const left = this.failed.filter((f) => !f.sent).length;
    replaceChildren(this.element, T(left ? 'photo_failed' : 'photos_all_sent', 'h3', { id: 'photo-uploads-title', class: left ? 'hint-warn' : '' }), h('ul', { class: 'upload-list', role: 'list' }, ...rows));
  }
}
