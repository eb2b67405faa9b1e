// A tiny element builder: h('button', { class: 'chip', onclick }, 'text').

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === 'class') {
      el.className = String(v);
    } else if (k in el && typeof v !== 'string') {
      (el as unknown as Record<string, unknown>)[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** message is an inline notice; kind "error" is announced to screen readers. */
export function message(text: string, kind: 'info' | 'error' = 'info'): HTMLElement {
  return h('p', { class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** fill replaces the children of el, skipping empty slots. */
export function fill(el: HTMLElement, ...children: (Child | Child[])[]): void {
  el.replaceChildren(...children.flat().filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c))));
}

/** FormsState is what the user typed into the forms marked data-keep, by their key. */
export type FormsState = Map<string, { values: Map<string, string[]>; open: boolean }>;

/** saveForms reads the forms marked data-keep="key" inside root, so a re-render can put the input back. */
export function saveForms(root: ParentNode): FormsState {
  const state: FormsState = new Map();
  for (const form of root.querySelectorAll<HTMLFormElement>('form[data-keep]')) {
    const values = new Map<string, string[]>();
    for (const [k, v] of new FormData(form)) values.set(k, [...(values.get(k) ?? []), String(v)]);
    state.set(form.dataset.keep!, { values, open: !!form.closest('details')?.open });
  }
  return state;
}

/** restoreForms puts saved input back into the re-rendered forms with the same keys. */
export function restoreForms(root: ParentNode, state: FormsState): void {
  for (const form of root.querySelectorAll<HTMLFormElement>('form[data-keep]')) {
    const saved = state.get(form.dataset.keep!);
    if (!saved) continue;
    if (saved.open) form.closest('details')?.setAttribute('open', '');
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[name], select[name]')) {
      const vals = saved.values.get(el.name) ?? [];
      if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) el.checked = vals.includes(el.value);
      else if (vals.length) el.value = vals[0];
    }
  }
}
