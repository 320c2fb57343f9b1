/** One full render of the crew screen from the state (after data, outbox or language changes). */
import { state } from '../state.ts';
import { $ } from '../ui.ts';
import { renderDetail } from './detail.ts';
import { renderBanner, renderHeader, renderNotices } from './header.ts';
import { renderList } from './list.ts';

export function render(): void {
  renderHeader();
  renderBanner();
  renderNotices();
  if (state.today) {
    $('today').hidden = false;
    renderList();
    renderDetail();
    void state.crewMap?.setOrders(state.views);
  }
}
