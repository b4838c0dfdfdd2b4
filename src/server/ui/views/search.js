// The search page: query box, facets, hits (server-marked snippets),
// paging, looser matches apart; without words, the documents matching the
// filters; before anything, an overview of the archive.

import { api, isAbort, requester } from '../api.js';
import {
  createQueryBox, docSourceLine, figuresPanel, hitChips, hitTitleText, historyLink, originalLink,
  similarToggle, snippetEl, viaNote,
} from '../components.js';
import { announce, h, loadingEl, showError, uid } from '../dom.js';
import {
  addSaved, citation, copyButton, loadSaved, markSeen, removeSaved, storeSaved,
} from '../keep.js';
import { exchangeToggle, speechLine } from '../speech.js';
import { nav, navigate, restoreScroll } from '../router.js';
import { documentFacets, fmt, present, tookLabel, warekiShort, yearLabel } from '../text.js';
import {
  SORTS, docUrl, expansionParams, filterParams, hasFilters, readSearchState, searchUrl, toParams, withQuery,
} from '../urls.js';

const PAGE_SIZE = 10;
/** Documents fetched at once when only filters are given (the API's maximum). */
const DOC_LIMIT = 1000;
const MAX_WINDOW = 10000;
/** Facets where several values can be ticked at once. */
const MULTI_FACETS = ['city', 'department'];
/** The speaker filters of council minutes, cleared. */
const NO_SPEAKER = { speaker: '', speaker_role: '', speaker_group: '' };
/** Facets of council minutes' speeches: shown when the hits hold speeches. */
const SPEAKER_FACETS = [
  ['speaker_group', '発言者の区分', 'facet-speaker-group'],
  ['speaker_role', '役職', 'facet-speaker-role'],
  ['speaker', '発言者', 'facet-speaker'],
];
const FACET_VISIBLE = 8;
const PARTIAL_MODES = {
  words: 'すべての語を含むが、語が離れている結果',
  bigram: '語の大部分の文字を含む結果',
  any: 'いずれかの語を含む結果',
};

/** Kinds of searched forms, as the panel above the results names them. */
const SEARCHED_KINDS = [
  ['variant', '表記ゆれ'],
  ['reading', '読み'],
  ['synonym', '同義語'],
];

/** The chunks a hit listed after the strict ones lacks; null for a strict hit. */
function missingOf(hit) {
  return Array.isArray(hit.missing) && hit.missing.length ? hit.missing : null;
}

export function SearchView() {
  const req = requester();
  let facetCtrl = null;
  let st = null;
  let qb = null;
  let aside = null;
  let results = null;
  let seq = 0;
  const expanded = new Set();

  /** Facet/sort changes keep the scroll position; a new query or page starts at the top. */
  function go(patch) {
    const next = { ...st, ...patch };
    if (!('page' in patch)) next.page = 1;
    navigate(searchUrl(next), { keepScroll: !('q' in patch) && !('page' in patch) });
  }

  function mount(root, params) {
    st = readSearchState(params);
    qb = createQueryBox({
      value: st.q,
      onSubmit: (q) => go({ q }),
    });
    aside = h('aside', { class: 'facets', 'aria-label': '絞り込み' });
    results = h('section', { class: 'results', 'aria-labelledby': 'results-heading' });
    // Past the query box and the facets, straight to the first hit.
    const skip = h('a', { class: 'skip-link skip-link--results', href: '#results-heading', 'data-testid': 'skip-to-results' }, '検索結果へスキップ');
    skip.addEventListener('click', (e) => {
      const first = results.querySelector('.hit__title a') || results.querySelector('#results-heading');
      if (!first) return;
      e.preventDefault();
      first.focus();
      first.scrollIntoView({ block: 'center' });
    });
    root.append(
      skip,
      h('div', { class: 'page-head page-head--search' },
        h('h1', { class: 'visually-hidden' }, '検索'),
        qb.form),
      h('div', { class: 'search-layout' }, aside, results));
    if (nav.firstRender || !document.activeElement || document.activeElement === document.body) qb.input.focus();
    update(params);
  }

  function focusOnEnter() {
    qb.input.focus();
  }

  async function update(params) {
    st = readSearchState(params);
    qb.setValue(st.q);
    nav.lastSearchUrl = location.pathname + location.search;
    // Opening a saved search is a visit: its 新着 start again from now.
    const saved = loadSaved();
    if (saved.some((x) => x.url === nav.lastSearchUrl)) storeSaved(markSeen(saved, nav.lastSearchUrl, Date.now() / 1000));
    document.title = present(st.q) ? `「${st.q}」の検索結果 - プランサーチ` : 'プランサーチ';
    const mySeq = ++seq;
    if (!present(st.q) && !hasFilters(st)) {
      req.abort();
      aside.replaceChildren();
      aside.hidden = true;
      results.replaceChildren(welcome());
      restoreScroll();
      return;
    }
    aside.hidden = false;
    results.setAttribute('aria-busy', 'true');
    results.classList.add('is-loading');
    if (!results.querySelector('.hits, .empty')) results.replaceChildren(loadingEl('検索しています…'));
    else results.prepend(h('div', { class: 'loading-bar', role: 'status' }, h('span', { class: 'visually-hidden' }, '検索しています…')));
    if (facetCtrl) facetCtrl.abort();
    const fc = new AbortController();
    facetCtrl = fc;
    const documentsOnly = !present(st.q);
    // A ticked city/department must not hide the others: their counts come
    // from the same request without that filter ("or" within a facet).
    const otherFacets = MULTI_FACETS.filter((k) => st[k].length).map((k) => (documentsOnly
      ? api('/api/documents', toParams({ ...filterParams(st), [k]: [], limit: DOC_LIMIT }), fc.signal)
        .then((d) => [k, documentFacets(d.documents)[k]])
      : api('/api/search', toParams({ q: st.q, ...filterParams(st), ...expansionParams(st), [k]: [], limit: 1, snippets: 'false' }), fc.signal)
        .then((d) => [k, d.facets && d.facets[k]]))
      .catch(() => null));
    let data;
    try {
      // Without words there is nothing to search (q is required): list
      // the documents matching the filters instead.
      data = documentsOnly
        ? await req.run('/api/documents', toParams({ ...filterParams(st), limit: DOC_LIMIT }))
        : await req.run('/api/search', toParams({
          q: st.q,
          ...filterParams(st),
          ...expansionParams(st),
          sort: st.sort,
          limit: PAGE_SIZE,
          offset: (st.page - 1) * PAGE_SIZE,
        }));
      const extra = await Promise.all(otherFacets);
      if (documentsOnly) data = { ...data, facets: documentFacets(data.documents) };
      for (const x of extra) {
        if (!x || !Array.isArray(x[1])) continue;
        // Ticked values keep the count of the results shown.
        const [key, list] = x;
        const own = new Map(((data.facets && data.facets[key]) || []).map((v) => [String(v.value), v.count]));
        const merged = list.map((v) => (st[key].includes(String(v.value)) && own.has(String(v.value))
          ? { ...v, count: own.get(String(v.value)) } : v));
        data.facets = { ...data.facets, [key]: merged };
      }
    } catch (e) {
      fc.abort();
      if (isAbort(e) || mySeq !== seq) return;
      if (!aside.querySelector('.facet')) aside.hidden = true;
      results.removeAttribute('aria-busy');
      results.classList.remove('is-loading');
      showError(e.message);
      results.replaceChildren(h('div', { class: 'empty' },
        h('h2', { class: 'empty__title' }, '検索できませんでした'),
        h('p', null, '検索語や条件を見直して、もう一度お試しください。')));
      return;
    }
    if (mySeq !== seq) return;
    results.removeAttribute('aria-busy');
    results.classList.remove('is-loading');
    const facets = data.facets || {};
    const anyFacet = ['city', 'year', 'department', 'prefecture', 'speaker_role'].some((k) => Array.isArray(facets[k]) && facets[k].length);
    aside.hidden = !anyFacet && !hasFilters(st);
    renderFacets(facets);
    if (documentsOnly) renderDocuments(data);
    else renderResults(data);
    if (!document.activeElement || document.activeElement === document.body) {
      // e.g. a pager link was replaced: continue from the top of the results.
      const heading = results.querySelector('#results-heading');
      if (heading) heading.focus({ preventScroll: true });
    }
    const total = Number(data.total) || 0;
    announce(total ? `${fmt(total)}${documentsOnly ? '文書' : '件'}見つかりました` : '該当なし');
    restoreScroll();
  }

  // --- facets --------------------------------------------------------
  function facetValues(list, selected) {
    const values = (Array.isArray(list) ? list : [])
      .filter((v) => v && present(v.value))
      .map((v) => ({ value: String(v.value), count: v.count }));
    const known = new Set(values.map((v) => v.value));
    for (const sel of selected) if (!known.has(sel)) values.push({ value: sel, count: null });
    return values;
  }

  function checkboxFacet({ key, label, testid, list, selected, single }) {
    const values = facetValues(list, selected);
    const sel = new Set(selected);
    const isOpen = expanded.has(key);
    const shown = isOpen ? values : values.filter((v, i) => i < FACET_VISIBLE || sel.has(v.value));
    const ul = h('ul', { class: 'facet__list' }, shown.map((v) => {
      const input = h('input', {
        type: 'checkbox',
        name: key,
        value: v.value,
        checked: sel.has(v.value),
        'data-focus-key': `${key}:${v.value}`,
      });
      input.addEventListener('change', () => {
        if (single) {
          go({ [key]: input.checked ? v.value : '' });
        } else {
          const next = selected.filter((x) => x !== v.value);
          if (input.checked) next.push(v.value);
          go({ [key]: next });
        }
      });
      return h('li', { class: 'facet__item' },
        h('label', { class: 'facet__label' }, input,
          h('span', { class: 'facet__text' }, v.value),
          v.count !== null && v.count !== undefined
            ? h('span', { class: 'facet__count', 'aria-label': `${fmt(v.count)}件` }, fmt(v.count)) : null));
    }));
    const box = h('fieldset', { class: 'facet', 'data-testid': testid },
      h('legend', { class: 'facet__title' }, label));
    if (!values.length) {
      box.append(h('p', { class: 'facet__empty' }, '該当なし'));
      return box;
    }
    box.append(ul);
    if (values.length > shown.length || isOpen) {
      const more = h('button', {
        type: 'button',
        class: 'btn btn--link facet__more',
        'aria-expanded': isOpen ? 'true' : 'false',
        'data-focus-key': `${key}:__more`,
      }, isOpen ? '表示を減らす' : `さらに表示（全${fmt(values.length)}件）`);
      more.addEventListener('click', () => {
        if (isOpen) expanded.delete(key);
        else expanded.add(key);
        renderFacets(lastFacets);
      });
      box.append(more);
    }
    return box;
  }

  function yearFacet(list) {
    const values = facetValues(list, [st.year_from, st.year_to].filter(present));
    const byYear = new Map();
    for (const v of values) {
      const prev = byYear.get(v.value);
      if (!prev || (prev.count === null && v.count !== null)) byYear.set(v.value, v);
    }
    const years = [...byYear.values()].sort((a, b) => Number(b.value) - Number(a.value) || (a.value < b.value ? 1 : -1));
    const box = h('fieldset', { class: 'facet facet--year', 'data-testid': 'facet-year' },
      h('legend', { class: 'facet__title' }, '年度'));
    if (!years.length) {
      box.append(h('p', { class: 'facet__empty' }, '該当なし'));
      return box;
    }
    const asc = [...years].reverse();
    const mkSelect = (name, label, value) => {
      const id = uid(name);
      const select = h('select', { id, name, class: 'select', 'data-focus-key': name },
        h('option', { value: '' }, '指定なし'),
        asc.map((y) => h('option', { value: y.value }, `${y.value}${warekiShort(y.value) ? `（${warekiShort(y.value)}）` : '年度'}`)));
      select.value = value || '';
      select.addEventListener('change', () => {
        let from = name === 'year_from' ? select.value : st.year_from;
        let to = name === 'year_to' ? select.value : st.year_to;
        if (present(from) && present(to) && Number(from) > Number(to)) [from, to] = [to, from];
        go({ year_from: from, year_to: to });
      });
      return h('div', { class: 'yearrange__field' }, h('label', { for: id, class: 'yearrange__label' }, label), select);
    };
    box.append(h('div', { class: 'yearrange' },
      mkSelect('year_from', 'から', st.year_from),
      h('span', { class: 'yearrange__sep', 'aria-hidden': 'true' }, '〜'),
      mkSelect('year_to', 'まで', st.year_to)));

    const max = Math.max(1, ...years.map((y) => Number(y.count) || 0));
    const isOpen = expanded.has('year');
    const shown = isOpen ? years : years.slice(0, 10);
    const ul = h('ul', { class: 'yearbars', 'aria-label': '年度を1つ選ぶ' }, shown.map((y) => {
      const pressed = st.year_from === y.value && st.year_to === y.value;
      const bar = h('span', { class: 'yearbar__bar', 'aria-hidden': 'true' });
      bar.style.width = `${Math.round(((Number(y.count) || 0) / max) * 100)}%`;
      const btn = h('button', {
        type: 'button',
        class: 'yearbar',
        'aria-pressed': pressed ? 'true' : 'false',
        'data-focus-key': `yearbtn:${y.value}`,
        title: pressed ? '年度の指定を解除' : `${y.value}年度だけに絞り込む`,
      },
      h('span', { class: 'yearbar__label' }, `${y.value}年度`),
      h('span', { class: 'yearbar__track', 'aria-hidden': 'true' }, bar),
      h('span', { class: 'yearbar__count' }, y.count !== null ? `${fmt(y.count)}件` : ''));
      btn.addEventListener('click', () => {
        if (pressed) go({ year_from: '', year_to: '' });
        else go({ year_from: y.value, year_to: y.value });
      });
      return h('li', null, btn);
    }));
    box.append(ul);
    if (years.length > 10) {
      const more = h('button', { type: 'button', class: 'btn btn--link facet__more', 'aria-expanded': isOpen ? 'true' : 'false', 'data-focus-key': 'year:__more' },
        isOpen ? '表示を減らす' : `さらに表示（全${fmt(years.length)}年度）`);
      more.addEventListener('click', () => {
        if (isOpen) expanded.delete('year');
        else expanded.add('year');
        renderFacets(lastFacets);
      });
      box.append(more);
    }
    return box;
  }

  let lastFacets = {};
  let facetsOpen = false;

  function renderFacets(facets) {
    lastFacets = facets;
    const activeEl = document.activeElement;
    const focusKey = activeEl && (aside.contains(activeEl) || activeEl === document.body)
      ? (activeEl.getAttribute && activeEl.getAttribute('data-focus-key')) || aside._lastFocusKey
      : null;
    const clear = h('button', { type: 'button', class: 'btn btn--secondary btn--small', disabled: !hasFilters(st), 'data-focus-key': 'clear', 'data-testid': 'clear-filters' }, '条件をクリア');
    clear.addEventListener('click', () => go({ city: [], prefecture: '', department: [], year_from: '', year_to: '', doc_type: '', ...NO_SPEAKER }));
    const bodyId = 'facets-body';
    const body = h('div', { class: `facets__body${facetsOpen ? '' : ' is-collapsed'}`, id: bodyId },
      checkboxFacet({ key: 'city', label: '市区町村', testid: 'facet-city', list: facets.city, selected: st.city }),
      yearFacet(facets.year),
      checkboxFacet({ key: 'department', label: '部局', testid: 'facet-department', list: facets.department, selected: st.department }),
      checkboxFacet({ key: 'prefecture', label: '都道府県', testid: 'facet-prefecture', list: facets.prefecture, selected: st.prefecture ? [st.prefecture] : [], single: true }),
      SPEAKER_FACETS.map(([key, label, testid]) => ((Array.isArray(facets[key]) && facets[key].length) || st[key]
        ? checkboxFacet({ key, label, testid, list: facets[key], selected: st[key] ? [st[key]] : [], single: true })
        : null)));
    // Only shown on narrow screens (CSS), where the facets fold away.
    const toggle = h('button', {
      type: 'button',
      class: 'btn btn--secondary btn--small facets__toggle',
      'aria-expanded': facetsOpen ? 'true' : 'false',
      'aria-controls': bodyId,
      'data-focus-key': 'toggle',
    }, facetsOpen ? '条件を閉じる' : '条件を表示');
    toggle.addEventListener('click', () => {
      facetsOpen = !facetsOpen;
      body.classList.toggle('is-collapsed', !facetsOpen);
      toggle.setAttribute('aria-expanded', facetsOpen ? 'true' : 'false');
      toggle.textContent = facetsOpen ? '条件を閉じる' : '条件を表示';
    });
    aside.replaceChildren(
      h('div', { class: 'facets__head' }, h('h2', { class: 'facets__title' }, '絞り込み'),
        h('div', { class: 'facets__buttons' }, toggle, clear)),
      body);
    if (focusKey) {
      const again = [...aside.querySelectorAll('[data-focus-key]')].find((x) => x.getAttribute('data-focus-key') === focusKey);
      if (again) again.focus();
    }
  }

  // --- results -------------------------------------------------------
  function activeFilters() {
    const out = [];
    for (const c of st.city) out.push([`市区町村：${c}`, { city: st.city.filter((x) => x !== c) }]);
    if (st.prefecture) out.push([`都道府県：${st.prefecture}`, { prefecture: '' }]);
    for (const d of st.department) out.push([`部局：${d}`, { department: st.department.filter((x) => x !== d) }]);
    if (st.year_from || st.year_to) {
      const label = st.year_from === st.year_to
        ? `${st.year_from}年度`
        : `${st.year_from ? `${st.year_from}年度` : ''}〜${st.year_to ? `${st.year_to}年度` : ''}`;
      out.push([`年度：${label}`, { year_from: '', year_to: '' }]);
    }
    if (st.doc_type) out.push([`文書種別：${st.doc_type}`, { doc_type: '' }]);
    for (const [key, label] of SPEAKER_FACETS) if (st[key]) out.push([`${label}：${st[key]}`, { [key]: '' }]);
    if (!out.length) return null;
    return h('div', { class: 'active-filters' },
      h('span', { class: 'active-filters__label' }, '絞り込み中'),
      h('ul', { class: 'active-filters__list' }, out.map(([label, patch]) => {
        const b = h('button', { type: 'button', class: 'filter-tag', 'aria-label': `${label} の絞り込みを解除` },
          label, h('span', { class: 'filter-tag__x', 'aria-hidden': 'true' }, '×'));
        b.addEventListener('click', () => go(patch));
        return h('li', null, b);
      })));
  }

  function sortSelect() {
    const id = uid('sort');
    const select = h('select', { id, class: 'select', 'data-testid': 'sort' },
      SORTS.map(([v, label]) => h('option', { value: v }, label)));
    select.value = st.sort;
    select.addEventListener('change', () => go({ sort: select.value }));
    return h('div', { class: 'sortbox' }, h('label', { for: id, class: 'sortbox__label' }, '並び替え'), select);
  }

  function csvLink() {
    const p = toParams({ q: st.q, ...filterParams(st), ...expansionParams(st), sort: st.sort !== 'relevance' ? st.sort : '' });
    return h('a', { class: 'btn btn--secondary btn--small', href: withQuery('/api/search.csv', p), download: '', 'data-testid': 'csv-download', title: 'すべての該当箇所（最大10,000件）をCSVで保存します' }, 'CSVダウンロード');
  }

  /** The Atom feed of this search (same words and filters), for feed readers and mail alerts. */
  function feedLink() {
    const p = toParams({ q: st.q, ...filterParams(st), ...expansionParams(st), sort: st.sort !== 'relevance' ? st.sort : '' });
    return h('a', { class: 'btn btn--secondary btn--small', href: withQuery('/api/search.atom', p), type: 'application/atom+xml', 'data-testid': 'atom-feed', title: 'この検索の結果をフィードリーダーやメール通知で受け取れます（Atom形式）' }, 'フィード');
  }

  /** Keeps this search in the browser, with its 新着 on the home page. */
  function saveButton() {
    const url = location.pathname + location.search;
    const isSaved = () => loadSaved().some((x) => x.url === url);
    const b = h('button', { type: 'button', class: 'btn btn--secondary btn--small', 'data-testid': 'save-search', 'aria-pressed': isSaved() ? 'true' : 'false' },
      isSaved() ? '保存済み' : 'この検索を保存');
    b.addEventListener('click', () => {
      const list = loadSaved();
      const label = [st.q, ...st.city, st.year_from || st.year_to ? `${st.year_from || ''}〜${st.year_to || ''}年度` : '', ...st.department, st.doc_type]
        .filter(present).join(' ');
      const next = isSaved() ? removeSaved(list, url) : addSaved(list, { url, label }, Date.now() / 1000);
      if (!storeSaved(next)) {
        showError('このブラウザでは検索を保存できません（保存領域が使えません）。');
        return;
      }
      const now = isSaved();
      b.textContent = now ? '保存済み' : 'この検索を保存';
      b.setAttribute('aria-pressed', now ? 'true' : 'false');
      announce(now ? '検索を保存しました。トップページの「保存した検索」から開けます。' : '保存した検索から外しました');
    });
    return b;
  }

  function compareUrl(extraCities) {
    return withQuery('/compare', toParams({ q: st.q, city: extraCities || [], year_from: st.year_from, year_to: st.year_to }));
  }

  function hitCard(hit) {
    const { button, panel } = similarToggle(hit.section_id, '他市の類似の取り組み');
    const exchange = exchangeToggle(hit);
    const missing = missingOf(hit);
    return h('li', { class: 'hit', 'data-testid': hit.loose ? 'loose-hit' : missing ? 'some-hit' : 'hit' },
      h('article', { class: 'hit__body' },
        h('h3', { class: 'hit__title' },
          h('a', { href: docUrl(hit.doc_id, st.q, hit.section_id), 'data-testid': 'hit-title' }, hitTitleText(hit))),
        hitChips(hit),
        speechLine(hit),
        viaNote(hit),
        snippetEl(hit),
        missing ? h('p', { class: 'hit__missing', 'data-testid': 'missing' }, hit.loose ? '書かれたとおりには含まない語：' : '含まない語：',
          missing.map((w, i) => [i ? '、' : '', h('s', null, String(w))])) : null,
        hit.via_reading ? h('p', { class: 'muted hit__via-reading', 'data-testid': 'via-reading' }, '読みが一致（表記は異なります）') : null,
        h('div', { class: 'hit__foot' },
          docSourceLine(hit),
          h('div', { class: 'hit__actions' },
            originalLink(hit),
            exchange ? exchange.button : null,
            button,
            h('a', { class: 'btn btn--link', href: compareUrl(st.city.length >= 2 ? st.city : []) }, 'この語で比較'),
            historyLink(hit),
            copyButton(h, () => citation({
              title: hit.title, section: hit.section_title, city: hit.city, year: hit.year, page: hit.page,
              url: location.origin + docUrl(hit.doc_id, st.q, hit.section_id),
            }), announce))),
        exchange ? exchange.panel : null,
        panel));
  }

  function pagination(total) {
    // The server pages through the first MAX_WINDOW results only.
    const pages = Math.max(1, Math.ceil(Math.min(total, MAX_WINDOW) / PAGE_SIZE));
    if (pages <= 1) return null;
    const cur = Math.min(st.page, pages);
    const link = (p, label, cls, extra) => h('a', { class: cls, href: searchUrl({ ...st, page: p }), ...extra }, label);
    const nums = new Set([1, pages, cur - 2, cur - 1, cur, cur + 1, cur + 2].filter((p) => p >= 1 && p <= pages));
    const sorted = [...nums].sort((a, b) => a - b);
    const items = [];
    items.push(cur > 1
      ? h('li', null, link(cur - 1, '前へ', 'pager__link pager__prev', { rel: 'prev' }))
      : h('li', null, h('span', { class: 'pager__link pager__prev is-disabled', 'aria-disabled': 'true' }, '前へ')));
    let prev = 0;
    for (const p of sorted) {
      if (p - prev > 1) items.push(h('li', { class: 'pager__gap', 'aria-hidden': 'true' }, '…'));
      items.push(h('li', null, p === cur
        ? h('span', { class: 'pager__link is-current', 'aria-current': 'page' }, String(p))
        : link(p, String(p), 'pager__link', { 'aria-label': `${p}ページ目` })));
      prev = p;
    }
    items.push(cur < pages
      ? h('li', null, link(cur + 1, '次へ', 'pager__link pager__next', { rel: 'next' }))
      : h('li', null, h('span', { class: 'pager__link pager__next is-disabled', 'aria-disabled': 'true' }, '次へ')));
    return h('nav', { class: 'pager', 'aria-label': 'ページ送り', 'data-testid': 'pagination' }, h('ul', { class: 'pager__list' }, items));
  }

  function emptyState(partial) {
    const tips = [
      '語の数を減らすか、より一般的な言い方に変えてみてください（例：「放課後児童クラブ」→「児童クラブ」）。',
      '漢字・ひらがな・カタカナの表記ゆれを試してみてください（例：「子ども」「子供」）。',
      'OR でつなぐと、いずれかの語を含む結果を探せます（例：空き家 OR 空家）。',
    ];
    const phrase = /^\s*"[^"]+"?\s*$/.test(st.q || '');
    const box = h('div', { class: 'empty', role: 'status', 'data-testid': 'empty' },
      h('h2', { class: 'empty__title' }, '該当なし'),
      h('p', null, phrase
        ? `語句 ${st.q.trim()} はそのままの形では見つかりませんでした。引用符を外すと、語を別々に探します。`
        : present(st.q) ? `「${st.q}」のすべての語を含む記載は見つかりませんでした。` : '条件に一致する記載は見つかりませんでした。'),
      partial ? null : h('ul', { class: 'tips' }, tips.map((t) => h('li', null, t))));
    if (hasFilters(st)) {
      const b = h('button', { type: 'button', class: 'btn btn--secondary' }, '絞り込み条件をクリアして探す');
      b.addEventListener('click', () => go({ city: [], prefecture: '', department: [], year_from: '', year_to: '', doc_type: '', ...NO_SPEAKER }));
      box.append(b);
    }
    return box;
  }

  function renderResults(data) {
    const total = Number(data.total) || 0;
    const hits = Array.isArray(data.hits) ? data.hits : [];
    const took = Number(data.took_ms);
    const bar = h('div', { class: 'results__bar' },
      h('h2', { id: 'results-heading', class: 'results__heading', tabindex: '-1' },
        h('span', { class: 'result-count', 'data-testid': 'result-count', 'data-total': String(total) }, `${fmt(total)}件`),
        Number.isFinite(took) ? h('span', { class: 'results__took' }, tookLabel(took)) : null),
      h('div', { class: 'results__tools' }, sortSelect(), total > 0 ? csvLink() : null, feedLink(), saveButton()));
    const kids = [bar, activeFilters(), searchedPanel(data.searched)];
    const partial = data.partial && Array.isArray(data.partial.hits) && data.partial.hits.length ? data.partial : null;
    if (present(data.did_you_mean)) {
      kids.push(h('p', { class: 'notice notice--plain', 'data-testid': 'did-you-mean' }, 'もしかして：',
        h('a', { href: searchUrl({ ...st, q: String(data.did_you_mean), page: 1 }) }, String(data.did_you_mean))));
    }
    // Hits after the strict ones hold only some of the chunks (`missing`);
    // a short first page goes on with looser matches (`loose`).
    const strictHits = hits.filter((x) => !missingOf(x) && !x.loose);
    const someHits = hits.filter((x) => missingOf(x) && !x.loose);
    const looseHits = hits.filter((x) => x.loose);
    const someTotal = Number(data.some_total) || 0;
    if (!hits.length) {
      if (total > 0) {
        kids.push(h('div', { class: 'empty' }, h('h2', { class: 'empty__title' }, 'このページには結果がありません'),
          h('p', null, h('a', { href: searchUrl({ ...st, page: 1 }) }, '最初のページへ戻る'))));
      } else {
        kids.push(emptyState(partial));
      }
    } else {
      const start = (st.page - 1) * PAGE_SIZE;
      if (strictHits.length) {
        kids.push(h('ol', { class: 'hits', start: String(start + 1), 'aria-label': '検索結果一覧' }, strictHits.map(hitCard)));
      }
      if (someHits.length) {
        kids.push(h('h3', { class: 'some-head', 'data-testid': 'some-head' },
          total ? `すべての語を含む結果は以上の${fmt(total)}件です。` : 'すべての語を含む結果はありません。',
          `一部の語を含む結果（${fmt(someTotal)}件、件数には含めていません）`));
        kids.push(h('ol', { class: 'hits hits--some', start: String(Math.max(1, start + strictHits.length - total + 1)), 'aria-label': '一部の語を含む結果' }, someHits.map(hitCard)));
      }
      if (looseHits.length) {
        const how = PARTIAL_MODES[looseHits[0].loose] || '一部の語に一致する結果';
        kids.push(h('h3', { class: 'some-head', 'data-testid': 'loose-head' },
          total || someHits.length ? '' : 'すべての語を含む結果はありません。',
          `近い結果：${how}（件数には含めていません）`));
        kids.push(h('ol', { class: 'hits hits--some hits--loose', 'aria-label': '近い結果' }, looseHits.map(hitCard)));
      }
      kids.push(pagination(total + someTotal));
      kids.push(figuresPanel(null, { q: st.q, ...filterParams(st), ...expansionParams(st) }));
    }
    if (partial) kids.push(partialSection(partial));
    results.replaceChildren(...kids.filter(Boolean));
  }

  /**
   * What was searched: each chunk with the other forms it was searched by
   * and their counts (「公民連携 ・同義語: 官民連携 12件」), and switches for
   * synonyms and readings (kept in the URL).
   */
  function searchedPanel(searched) {
    const chunks = searched && Array.isArray(searched.chunks) ? searched.chunks : [];
    const lines = [];
    let hasSynonyms = false;
    let hasReadings = false;
    for (const c of chunks) {
      const forms = Array.isArray(c.forms) ? c.forms : [];
      const typed = forms.find((f) => f.kind === 'typed');
      const parts = [h('span', { class: 'searched__chunk' }, String(c.chunk)),
        typed ? h('span', { class: 'searched__count' }, ` ${fmt(Number(typed.count) || 0)}件`) : null];
      for (const [kind, label] of SEARCHED_KINDS) {
        const all = forms.filter((f) => f.kind === kind);
        if (kind === 'synonym' && all.length) hasSynonyms = true;
        if ((kind === 'reading' || kind === 'variant') && all.length) hasReadings = true;
        // Forms no passage writes are searched but not worth a line.
        const others = all.filter((f) => Number(f.count) > 0);
        if (!others.length) continue;
        parts.push(h('span', { class: 'searched__kind' }, ` ・${label}: `),
          others.map((f, i) => h('span', { class: 'searched__form', 'data-kind': kind },
            `${i ? '、' : ''}${f.form} ${fmt(Number(f.count) || 0)}件`)));
      }
      lines.push(h('li', { 'data-testid': 'searched-chunk' }, ...parts.flat().filter(Boolean)));
    }
    const sentences = searched && Array.isArray(searched.sentences) ? searched.sentences : [];
    const toggles = [];
    if (hasSynonyms || st.synonyms === false) toggles.push(toggle('synonyms', '同義語も探す'));
    if (hasReadings || st.readings === false) toggles.push(toggle('readings', '読み・表記ゆれも探す'));
    if (!lines.length && !toggles.length) return null;
    return h('div', { class: 'searched', 'data-testid': 'searched' },
      sentences.length ? h('p', { class: 'muted searched__sentence' }, '文を語に分けて探しました（助詞や「〜してほしい」などは条件にしていません）') : null,
      lines.length > 1 || toggles.length || lines.some((l) => l.childNodes.length > 2)
        ? h('ul', { class: 'searched__chunks', 'aria-label': '検索した語' }, lines) : null,
      toggles.length ? h('div', { class: 'searched__toggles' }, toggles) : null);
  }

  function toggle(key, label) {
    const box = h('input', { type: 'checkbox', 'data-testid': `toggle-${key}` });
    box.checked = st[key] !== false;
    box.addEventListener('change', () => go({ [key]: box.checked }));
    return h('label', { class: 'searched__toggle' }, box, ` ${label}`);
  }

  /** Looser matches, never counted in the total: a collapsed section after the strict ones. */
  function partialSection(partial) {
    const n = Number(partial.total) || partial.hits.length;
    const how = PARTIAL_MODES[partial.mode] || '一部の語に一致する結果';
    return h('details', { class: 'partial', 'data-testid': 'partial' },
      h('summary', { class: 'partial__summary', 'data-testid': 'partial-summary' },
        `一部の語に一致する結果（${fmt(n)}件）`,
        h('span', { class: 'partial__how' }, `：${how}。件数には含めていません`)),
      h('ol', { class: 'hits hits--partial', 'aria-label': '一部の語に一致する結果' }, partial.hits.map(hitCard)),
      n > partial.hits.length ? h('p', { class: 'muted' }, `上位${fmt(partial.hits.length)}件を表示しています。`) : null);
  }

  /** Filters without words: the matching documents (from /api/documents). */
  function renderDocuments(data) {
    const docs = Array.isArray(data.documents) ? data.documents : [];
    const total = Number(data.total) || 0;
    const bar = h('div', { class: 'results__bar' },
      h('h2', { id: 'results-heading', class: 'results__heading', tabindex: '-1' },
        h('span', { class: 'result-count', 'data-testid': 'result-count', 'data-total': String(total) }, `${fmt(total)}文書`)));
    const kids = [bar, activeFilters(),
      h('p', { class: 'notice notice--plain', role: 'status' },
        '検索語が入力されていないため、条件に一致する文書を新しい順に表示しています。語を入力すると、これらの文書の記載箇所を検索します。')];
    if (total > docs.length) {
      kids.push(h('p', { class: 'muted results__capped' },
        `先頭の${fmt(docs.length)}文書を表示しています（絞り込みの件数もこの範囲で数えています）。`));
    }
    if (!docs.length) {
      kids.push(emptyState());
    } else {
      const pages = Math.max(1, Math.ceil(docs.length / PAGE_SIZE));
      const page = Math.min(st.page, pages);
      const start = (page - 1) * PAGE_SIZE;
      kids.push(h('ol', { class: 'hits', start: String(start + 1), 'aria-label': '文書一覧' },
        docs.slice(start, start + PAGE_SIZE).map(docCard)));
      kids.push(pagination(docs.length));
    }
    results.replaceChildren(...kids.filter(Boolean));
  }

  function docCard(doc) {
    const title = present(doc.title) ? String(doc.title) : present(doc.file) ? String(doc.file) : '（無題の文書）';
    const n = Number(doc.sections);
    return h('li', { class: 'hit hit--doc', 'data-testid': 'doc-item' },
      h('article', { class: 'hit__body' },
        h('h3', { class: 'hit__title' }, h('a', { href: docUrl(doc.doc_id, '', '') }, title)),
        hitChips(doc),
        h('p', { class: 'hit__source' },
          present(doc.head) ? h('span', null, `部局長：${doc.head}`) : null,
          Number.isFinite(n) ? h('span', null, `${fmt(n)}項目`) : null,
          present(doc.file) ? h('span', { class: 'hit__file' }, String(doc.file)) : null)));
  }

  function welcome() {
    const examples = ['子育て支援', 'DX 推進', '"地域包括ケア"', '空き家 OR 空家', '防災 -訓練'];
    return h('div', { class: 'welcome' },
      h('h2', { class: 'welcome__title' }, '自治体の計画・方針文書を横断して探せます'),
      h('p', { class: 'welcome__lead' },
        '部局運営方針・施政方針・市政執行方針などから、過去の取り組みや他の自治体の考え方を検索できます。'),
      savedPanel(),
      archiveOverview(),
      h('div', { class: 'welcome__grid' },
        h('section', { class: 'welcome__card' },
          h('h3', null, '検索'),
          h('p', null, '語を入力して検索すると、該当する記載箇所を一覧表示します。市区町村・年度・部局で絞り込めます。')),
        h('section', { class: 'welcome__card' },
          h('h3', null, h('a', { href: '/compare' }, '比較')),
          h('p', null, '同じ語について、複数の市区町村の記載を横に並べて比べられます。')),
        h('section', { class: 'welcome__card' },
          h('h3', null, h('a', { href: '/trend' }, '推移')),
          h('p', null, '語が年度ごとにどれだけ現れるかをグラフで確認できます。')),
        h('section', { class: 'welcome__card' },
          h('h3', null, h('a', { href: '/changes' }, '経年比較')),
          h('p', null, '同じ部局の文書を年度間で比べ、新規・継続・終了した取り組みを確認できます。'))),
      h('h3', { class: 'welcome__sub' }, '検索の例'),
      h('ul', { class: 'examples' }, examples.map((q) => h('li', null,
        h('a', { class: 'example', href: searchUrl({ ...readSearchState(new URLSearchParams()), q }) }, q)))));
  }

  /**
   * The searches kept in this browser, each with its 新着: hits of
   * documents that entered the index since the search was last opened
   * (read from the search's Atom feed, whose entries are dated so).
   */
  function savedPanel() {
    const list = loadSaved();
    if (!list.length) return null;
    const box = h('section', { class: 'saved', 'aria-labelledby': 'saved-title', 'data-testid': 'saved-searches' },
      h('h3', { class: 'welcome__sub', id: 'saved-title' }, '保存した検索'));
    const ul = h('ul', { class: 'saved__list' });
    for (const item of list.slice(0, 20)) {
      const badge = h('span', { class: 'saved__new', 'data-testid': 'saved-new', 'aria-live': 'polite' }, '');
      const del = h('button', { type: 'button', class: 'btn btn--link btn--small', 'aria-label': `「${item.label}」を保存した検索から外す` }, '削除');
      const li = h('li', { class: 'saved__item', 'data-testid': 'saved-item' },
        h('a', { class: 'saved__link', href: item.url }, item.label), badge, del);
      del.addEventListener('click', () => {
        storeSaved(removeSaved(loadSaved(), item.url));
        li.remove();
        if (!ul.children.length) box.remove();
      });
      ul.append(li);
      const qs = item.url.includes('?') ? item.url.slice(item.url.indexOf('?') + 1) : '';
      const p = new URLSearchParams(qs);
      if (!present(p.get('q'))) continue;
      p.delete('page');
      p.set('limit', '100');
      fetch(`/api/search.atom?${p.toString()}`).then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
        .then((xml) => {
          const doc = new DOMParser().parseFromString(xml, 'application/xml');
          const seen = Number(item.seen) || 0;
          const fresh = [...doc.getElementsByTagName('entry')].filter((e) => {
            const u = e.getElementsByTagName('updated')[0];
            return u && Date.parse(u.textContent) / 1000 > seen;
          }).length;
          badge.textContent = fresh ? `新着 ${fmt(fresh)}件` : '新着なし';
          badge.classList.toggle('saved__new--some', fresh > 0);
        })
        .catch(() => { badge.textContent = ''; });
    }
    box.append(ul, h('p', { class: 'muted saved__note' }, '「新着」は前回その検索を開いた後に収録された文書の該当箇所です（上位100件まで）。保存はこのブラウザの中だけです。'));
    return box;
  }

  /**
   * What the archive holds, before anything is typed: documents and
   * passages, and the documents by city, year, type and department —
   * each value a link to the list of those documents.
   */
  function archiveOverview() {
    const box = h('section', { class: 'overview', 'aria-labelledby': 'overview-title', 'data-testid': 'overview' },
      h('h3', { class: 'welcome__sub', id: 'overview-title' }, '収録されている文書'),
      h('p', { class: 'muted' }, '読み込んでいます…'));
    const blank = readSearchState(new URLSearchParams());
    const list = (title, values, toState, label, testid) => (values && values.length
      ? h('div', { class: 'overview__group', 'data-testid': testid },
        h('h4', { class: 'overview__heading' }, title),
        h('ul', { class: 'overview__list' }, values.slice(0, 24).map((v) => h('li', null,
          h('a', { class: 'overview__link', href: searchUrl({ ...blank, ...toState(String(v.value)) }) },
            label(String(v.value)), h('span', { class: 'overview__count' }, `${fmt(v.count)}文書`))))))
      : null);
    api('/api/archive').then((a) => {
      const by = a.documents_by || {};
      const updated = Number(a.updated_at) ? new Date(Number(a.updated_at) * 1000) : null;
      const skipped = Array.isArray(a.skipped) ? a.skipped : [];
      // The API lists the first skipped files and counts them all.
      const skippedTotal = Number.isFinite(a.skipped_total) ? a.skipped_total : skipped.length;
      // replaceChildren() would print a null as the text 「null」.
      box.replaceChildren(...[
        h('h3', { class: 'welcome__sub', id: 'overview-title' }, '収録されている文書'),
        h('p', { class: 'overview__totals', 'data-testid': 'overview-totals' },
          `${fmt(a.documents)}文書・${fmt(a.passages)}箇所`,
          updated ? h('span', { class: 'muted' }, `（${updated.toLocaleString('ja-JP')} 更新）`) : null),
        h('div', { class: 'overview__grid' },
          list('市区町村', by.city, (v) => ({ city: [v] }), (v) => v, 'overview-city'),
          list('年度', by.year, (v) => ({ year_from: v, year_to: v }), (v) => yearLabel(v), 'overview-year'),
          list('文書種別', by.doc_type, (v) => ({ doc_type: v }), (v) => v, 'overview-type'),
          list('部局', by.department, (v) => ({ department: [v] }), (v) => v, 'overview-department')),
        skippedTotal
          ? h('details', { class: 'overview__skipped' },
            h('summary', null, `読み込めなかったファイル（${fmt(skippedTotal)}件）`),
            h('ul', null, skipped.slice(0, 200).map((s) => h('li', null, h('code', null, String(s.rel)), `：${s.reason}`))),
            skippedTotal > skipped.length
              ? h('p', { class: 'muted' }, `ほか${fmt(skippedTotal - skipped.length)}件（/api/archive?skipped_offset=… で一覧できます）`)
              : null)
          : null,
      ].filter(Boolean));
    }).catch(() => box.replaceChildren());
    return box;
  }

  return {
    mount,
    update,
    focusOnEnter,
    destroy() {
      req.abort();
      if (facetCtrl) facetCtrl.abort();
      if (qb) qb.destroy();
    },
  };
}
