// The outlet popup: one outlet's register entry (GET /api/v1/outlets/{id}).

import { api } from '../api';
import { categoryName } from '../categories';
import { h, message } from '../dom';
import { describeError } from '../errors';
import { t } from '../i18n';

interface OutletFeature {
  properties: {
    id: number;
    name: string;
    category: string;
    address?: string;
    opening_hours?: string;
    accepts_cash?: boolean;
    accepts_card?: boolean;
    status?: string;
  };
}

/** outletPopup resolves to the content of an outlet's popup, or the error explained. */
export async function outletPopup(id: number): Promise<HTMLElement> {
  try {
    const o = (await api.get<OutletFeature>(`/api/v1/outlets/${id}`)).properties;
    return h(
      'div',
      { class: 'outlet-popup', 'data-outlet': String(o.id) },
      h('strong', {}, o.name),
      h('div', {}, categoryName(o.category)),
      o.address ? h('div', {}, t('planner.outletAddress', { value: o.address })) : null,
      o.opening_hours ? h('div', {}, t('planner.outletHours', { value: o.opening_hours })) : null,
      h(
        'div',
        { class: 'outlet-meta' },
        o.accepts_cash ? h('span', { class: 'badge' }, t('resident.acceptsCash')) : null,
        o.accepts_card ? h('span', { class: 'badge' }, t('resident.acceptsCard')) : null,
      ),
    );
  } catch (e) {
    return message(describeError(e), 'error');
  }
}
