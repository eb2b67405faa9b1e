// The search box in the header: names of districts, communities, circles and
// outlets from /api/v1/search, as a combobox whose options fly the map there.

import { api } from './api';
import { h } from './dom';
import { describeError } from './errors';
import { t, type Key } from './i18n';
import type { Place } from './map';

export interface SearchHit extends Place {
  kind: 'region' | 'community' | 'circle' | 'outlet';
  id?: number;
  code?: string;
  name: string;
  detail?: string;
}

/** hitLabel is what an option says: the name, what kind of place, and where. */
export function hitLabel(hit: SearchHit): string {
  const kind = t(`search.kind.${hit.kind}` as Key);
  return hit.detail ? `${hit.name}（${kind} · ${hit.detail}）` : `${hit.name}（${kind}）`;
}

/** Wait this long after typing stops before asking the server. */
const debounceMs = 180;

let boxes = 0;

/**
 * SearchBox is a combobox (WAI-ARIA 1.2 pattern): type to list places,
 * arrows to move, Enter to pick, Escape to close. onPick gets the place.
 */
export class SearchBox {
  readonly el: HTMLFormElement;
  private input: HTMLInputElement;
  private list: HTMLUListElement;
  private hits: SearchHit[] = [];
  private active = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  private readonly id = `search-${++boxes}`;

  constructor(private readonly onPick: (hit: SearchHit) => void) {
    this.list = h('ul', { class: 'search-list', id: `${this.id}-list`, role: 'listbox', hidden: true }) as HTMLUListElement;
    this.input = h('input', {
      type: 'search',
      name: 'q',
      role: 'combobox',
      autocomplete: 'off',
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': this.list.id,
      oninput: () => this.typed(),
      onkeydown: (e: KeyboardEvent) => this.key(e),
      onblur: () => setTimeout(() => this.close(), 150),
    }) as HTMLInputElement;
    this.el = h('form', { class: 'search', role: 'search', onsubmit: (e: Event) => this.submit(e) }, this.input, this.list) as HTMLFormElement;
    this.render();
  }

  /** render sets the texts of the current language. */
  render(): void {
    this.input.placeholder = t('search.placeholder');
    this.input.setAttribute('aria-label', t('search.label'));
    this.el.setAttribute('aria-label', t('search.label'));
  }

  private typed(): void {
    clearTimeout(this.timer);
    const q = this.input.value.trim();
    if (!q) {
      this.show([]);
      return;
    }
    this.timer = setTimeout(() => this.search(q), debounceMs);
  }

  private async search(q: string): Promise<SearchHit[]> {
    const n = ++this.seq;
    try {
      const res = await api.get<{ hits: SearchHit[] }>('/api/v1/search', { q, limit: 8 });
      if (n === this.seq) this.show(res.hits ?? [], q);
      return res.hits ?? [];
    } catch (e) {
      if (n === this.seq) this.note(t('search.failed', { message: describeError(e) }));
      return [];
    }
  }

  private show(hits: SearchHit[], q = ''): void {
    this.hits = hits;
    this.active = hits.length ? 0 : -1;
    if (!hits.length) {
      if (q) this.note(t('search.none', { q }));
      else this.close();
      return;
    }
    this.list.replaceChildren(
      ...hits.map((hit, i) =>
        h(
          'li',
          {
            id: `${this.id}-${i}`,
            role: 'option',
            class: `search-hit kind-${hit.kind}`,
            'data-kind': hit.kind,
            'aria-selected': String(i === this.active),
            onmousedown: (e: Event) => e.preventDefault(),
            onclick: () => this.pick(i),
          },
          h('span', { class: 'hit-name' }, hit.name),
          h('span', { class: 'hit-detail' }, [t(`search.kind.${hit.kind}` as Key), hit.detail].filter(Boolean).join(' · ')),
        ),
      ),
    );
    this.open();
  }

  private note(text: string): void {
    this.hits = [];
    this.active = -1;
    this.list.replaceChildren(h('li', { class: 'search-note', role: 'option', 'aria-disabled': 'true', 'aria-selected': 'false' }, text));
    this.open();
  }

  private open(): void {
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.highlight();
  }

  private close(): void {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  private highlight(): void {
    this.list.querySelectorAll('.search-hit').forEach((li, i) => li.setAttribute('aria-selected', String(i === this.active)));
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', `${this.id}-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  private key(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      this.close();
      return;
    }
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && this.hits.length) {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      this.active = (this.active + step + this.hits.length) % this.hits.length;
      if (this.list.hidden) this.open();
      else this.highlight();
    }
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    clearTimeout(this.timer);
    if (this.active >= 0 && !this.list.hidden) {
      this.pick(this.active);
      return;
    }
    const q = this.input.value.trim();
    if (!q) return;
    const hits = await this.search(q);
    if (hits.length) this.pick(0);
  }

  private pick(i: number): void {
    const hit = this.hits[i];
    if (!hit) return;
    this.input.value = hit.name;
    this.close();
    this.onPick(hit);
  }
}
