// What the compare and trend pages share: the query box, 年度 range and
// city picker, and the request of their data (one at a time, with the
// intro, loading, error and "none found" states). Each page gives its
// texts, endpoint and a function drawing the data.

import { api, isAbort, requester } from '../api.js';
import { createCityPicker, createQueryBox } from '../components.js';
import { h, loadingEl, showError, uid } from '../dom.js';
import { mainEl, nav, navigate, restoreScroll } from '../router.js';
import { present, yearOption } from '../text.js';
import { cityStateUrl, readCityState, toParams } from '../urls.js';

function pageHead(title, lead) {
  return h('div', { class: 'page-head' },
    h('h1', { class: 'page-head__title', tabindex: '-1' }, title),
    h('p', { class: 'page-head__lead' }, lead));
}

/** 年度 from/to for compare and trend: the same year filters as a search. */
function yearRangeFilter(st, onChange) {
  const mk = (name, label) => {
    const id = uid(name);
    const select = h('select', { id, class: 'select', 'data-testid': `cityview-${name}` },
      h('option', { value: '' }, '指定なし'));
    select.addEventListener('change', () => {
      const from = name === 'year_from' ? select.value : st.filters.year_from;
      const to = name === 'year_to' ? select.value : st.filters.year_to;
      const swap = present(from) && present(to) && Number(from) > Number(to);
      onChange(swap ? { year_from: to, year_to: from } : { year_from: from, year_to: to });
    });
    return { select, el: h('label', { for: id, class: 'cityview__year' }, h('span', null, label), select) };
  };
  const from = mk('year_from', '年度（から）');
  const to = mk('year_to', '年度（まで）');
  api('/api/archive').then((a) => {
    const years = ((a.documents_by && a.documents_by.year) || []).map((v) => String(v.value)).sort();
    for (const { select } of [from, to]) {
      select.append(...years.map((y) => h('option', { value: y }, yearOption(y))));
    }
    from.select.value = st.filters.year_from || '';
    to.select.value = st.filters.year_to || '';
  }).catch(() => {});
  return h('div', { class: 'cityview__years' }, from.el, to.el);
}

/** The 「該当なし」 box of a page whose query found nothing. */
export function noneFound(text) {
  return h('div', { class: 'empty', role: 'status' },
    h('h2', { class: 'empty__title' }, '該当なし'),
    h('p', null, text));
}

/**
 * A compare/trend page. `intro`: [heading, text] shown before a query;
 * `endpoint` is asked with q, city, the filters and `params`; `loading`
 * and `failed` are the texts while waiting and on an error; `draw(out, st,
 * data)` fills `out` with the answer.
 */
export function cityViewBase({
  path, title, lead, legend, buttonText, intro, endpoint, params, loading, failed, draw,
}) {
  const req = requester();
  let seq = 0;
  let st = null;
  let qb = null;
  let picker = null;
  let out = null;

  async function load() {
    const mySeq = ++seq;
    if (!present(st.q)) {
      req.abort();
      out.replaceChildren(h('div', { class: 'empty empty--intro' },
        h('h2', { class: 'empty__title' }, intro[0]),
        h('p', null, intro[1])));
      restoreScroll();
      return;
    }
    out.setAttribute('aria-busy', 'true');
    out.replaceChildren(loadingEl(loading));
    let data;
    try {
      data = await req.run(endpoint, toParams({ q: st.q, city: st.city, ...params, ...st.filters }));
    } catch (e) {
      if (isAbort(e) || mySeq !== seq) return;
      out.removeAttribute('aria-busy');
      showError(e.message);
      out.replaceChildren(h('div', { class: 'empty' }, h('h2', { class: 'empty__title' }, failed)));
      return;
    }
    if (mySeq !== seq) return;
    out.removeAttribute('aria-busy');
    draw(out, st, data);
    restoreScroll();
  }

  return {
    mount(root, urlParams) {
      st = readCityState(urlParams);
      qb = createQueryBox({
        value: st.q,
        buttonText,
        onSubmit: (q) => navigate(cityStateUrl(path, { ...st, q, city: q === st.q ? st.city : [] })),
      });
      picker = createCityPicker({
        legend,
        onChange: (city) => navigate(cityStateUrl(path, { ...st, city }), { keepScroll: true }),
      });
      out = h('div', { class: 'cityview__out' });
      const years = yearRangeFilter(st, (y) => navigate(cityStateUrl(path, { ...st, filters: { ...st.filters, ...y } }), { keepScroll: true }));
      root.append(pageHead(title, lead),
        h('div', { class: 'cityview__form' }, qb.form, years, picker.el),
        out);
      if (nav.firstRender && !present(st.q)) qb.input.focus();
      this.update(urlParams);
    },
    update(urlParams) {
      st = readCityState(urlParams);
      qb.setValue(st.q);
      document.title = present(st.q) ? `「${st.q}」の${title} - プランサーチ` : `${title} - プランサーチ`;
      picker.load(st.q, st.city, st.filters);
      load();
    },
    focusOnEnter() {
      if (!present(st.q)) qb.input.focus();
      else mainEl().querySelector('h1').focus({ preventScroll: true });
    },
    destroy() {
      req.abort();
      if (qb) qb.destroy();
      if (picker) picker.destroy();
    },
  };
}
