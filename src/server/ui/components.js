// Components shared by the views: the query box with suggestions, hit
// cards' parts, the similar-initiatives panel, the city picker, the
// figures table and the 経年変化 link.

import { api, isAbort, requester } from './api.js';
import { append, debounce, h, loadingEl, safeSnippet, showError, uid } from './dom.js';
import { fmt, present, wareki, yearLabel } from './text.js';
import { docUrl, enc, originalUrl, toParams } from './urls.js';
import { csvButton } from './keep.js';

const SUGGEST_DELAY_MS = 150;
const QUERY_HINT = 'スペースで区切ると全ての語を含む結果、"…" で語句検索、-語 で除外、OR でいずれか';

/** Query box with suggestion dropdown (ARIA 1.2 combobox). */
export function createQueryBox({ value, onSubmit, placeholder, buttonText }) {
  const inputId = uid('q');
  const listId = uid('suggest');
  const hintId = uid('hint');
  const sugg = requester();
  let items = [];
  let active = -1;
  let composing = false;

  const input = h('input', {
    id: inputId,
    class: 'querybox__input',
    type: 'search',
    name: 'q',
    value: value || '',
    autocomplete: 'off',
    spellcheck: 'false',
    enterkeyhint: 'search',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    'aria-describedby': hintId,
    placeholder: placeholder || '例：子育て支援　空き家 対策',
    'data-testid': 'search-input',
  });
  const list = h('ul', {
    id: listId,
    class: 'suggest',
    role: 'listbox',
    'aria-label': '検索語の候補',
    'data-testid': 'suggestions',
    hidden: true,
  });
  const button = h('button', { type: 'submit', class: 'btn btn--primary querybox__submit', 'data-testid': 'search-submit' },
    buttonText || '検索');
  const form = h('form', { class: 'querybox', role: 'search', action: '/', method: 'get', 'aria-label': 'キーワード検索' },
    h('label', { class: 'visually-hidden', for: inputId }, '検索語'),
    h('div', { class: 'querybox__row' },
      h('div', { class: 'querybox__field' }, input, list),
      button),
    h('p', { class: 'querybox__hint', id: hintId }, QUERY_HINT));

  function close() {
    list.hidden = true;
    list.replaceChildren();
    items = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function setActive(i) {
    active = i;
    items.forEach((it, j) => {
      it.el.setAttribute('aria-selected', j === i ? 'true' : 'false');
      it.el.classList.toggle('is-active', j === i);
    });
    if (i >= 0 && items[i]) {
      input.setAttribute('aria-activedescendant', items[i].el.id);
      items[i].el.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  /** Splits the input into the part to keep and the word being typed. */
  function currentWord() {
    const v = input.value;
    const m = v.match(/^(.*?[\s]?)(-?"?)([^\s"]*)$/su);
    if (!m) return { head: v, prefix: '' };
    return { head: m[1] + m[2], prefix: m[3] };
  }

  function choose(i) {
    const it = items[i];
    if (!it) return;
    const { head } = currentWord();
    input.value = head + it.text;
    close();
    submit();
  }

  const fetchSuggestions = debounce(async () => {
    const { prefix } = currentWord();
    if (!prefix || composing || document.activeElement !== input) {
      sugg.abort();
      close();
      return;
    }
    let data;
    try {
      data = await sugg.run('/api/suggest', toParams({ prefix, limit: 8 }));
    } catch (e) {
      if (!isAbort(e)) close(); // suggestions are optional: stay quiet
      return;
    }
    if (document.activeElement !== input || currentWord().prefix !== prefix) return;
    const list0 = Array.isArray(data.suggestions) ? data.suggestions : [];
    const found = list0.filter((x) => x && present(x.text));
    close();
    if (!found.length) return;
    items = found.map((x, i) => {
      const text = String(x.text);
      const el = h('li', {
        id: `${listId}-${i}`,
        class: 'suggest__item',
        role: 'option',
        'aria-selected': 'false',
      },
      h('span', { class: 'suggest__text' }, text),
      present(x.count) ? h('span', { class: 'suggest__count', 'aria-label': `${fmt(x.count)}件` }, fmt(x.count)) : null);
      // mousedown keeps focus in the input (click would blur first).
      el.addEventListener('mousedown', (ev) => {
        ev.preventDefault();
        choose(i);
      });
      return { el, text };
    });
    append(list, items.map((it) => it.el));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }, SUGGEST_DELAY_MS);

  function submit() {
    fetchSuggestions.cancel();
    sugg.abort();
    close();
    onSubmit(input.value.trim());
  }

  input.addEventListener('compositionstart', () => { composing = true; });
  input.addEventListener('compositionend', () => {
    composing = false;
    fetchSuggestions();
  });
  input.addEventListener('input', () => fetchSuggestions());
  input.addEventListener('blur', () => {
    fetchSuggestions.cancel();
    setTimeout(close, 100);
  });
  input.addEventListener('keydown', (e) => {
    if (e.isComposing || e.keyCode === 229) return; // IME conversion in progress
    const open = !list.hidden && items.length > 0;
    if (e.key === 'ArrowDown') {
      if (open) {
        e.preventDefault();
        setActive(active + 1 >= items.length ? 0 : active + 1);
      } else if (currentWord().prefix) {
        e.preventDefault();
        fetchSuggestions();
      }
    } else if (e.key === 'ArrowUp') {
      if (open) {
        e.preventDefault();
        setActive(active <= 0 ? items.length - 1 : active - 1);
      }
    } else if (e.key === 'Enter') {
      if (open && active >= 0) {
        e.preventDefault();
        choose(active);
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        close();
      }
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });

  return {
    form,
    input,
    setValue(v) {
      if (input.value !== v) input.value = v;
    },
    destroy() {
      fetchSuggestions.cancel();
      sugg.abort();
    },
  };
}

export function chip(text, kind, title) {
  return h('li', { class: `chip${kind ? ` chip--${kind}` : ''}`, title: title || null }, text);
}

/** Where a passage is in its original: 「p. 12」 for a PDF page, the sheet of a workbook. */
export function placeLabel(hit) {
  // The physical page (what the original opens at), and the number the
  // page prints when it differs (「p. 5（印刷 1）」).
  if (present(hit.page)) {
    const printed = present(hit.page_label) && String(hit.page_label) !== String(hit.page) ? `（印刷 ${hit.page_label}）` : '';
    return `p. ${hit.page}${printed}`;
  }
  if (present(hit.sheet)) return `シート「${hit.sheet}」`;
  return '';
}

export function originalLink(hit) {
  if (!present(hit.doc_id)) return null;
  const place = present(hit.page) ? ` (p. ${hit.page})` : '';
  return h('a', {
    class: 'btn btn--link original-link',
    href: originalUrl(hit.doc_id, hit.page),
    target: '_blank',
    rel: 'noopener',
    'data-testid': 'original-link',
  }, `原本を開く${place}`, h('span', { class: 'visually-hidden' }, '（新しいタブで開きます）'));
}

export const VIA_KINDS = { synonym: '同義語', reading: '読み', variant: '表記ゆれ' };

/** Typed words this hit holds only in another form: 「公民連携 → 官民連携（同義語）」. */
export function viaNote(hit) {
  const via = Array.isArray(hit.via) ? hit.via.filter((v) => v && present(v.term) && present(v.form)) : [];
  if (!via.length) return null;
  return h('p', { class: 'hit__via', 'data-testid': 'hit-via' },
    via.map((v) => `${v.term} → ${v.form}（${VIA_KINDS[v.kind] || '別の表記'}）`).join('、'));
}

export function hitChips(hit) {
  const place = [hit.prefecture, hit.city].filter(present).join(' ');
  const where = placeLabel(hit);
  return h('ul', { class: 'chips', 'aria-label': '属性' },
    present(place) ? chip(place, 'city') : null,
    present(hit.year) ? chip(yearLabel(hit.year), 'year', wareki(hit.year) ? `${wareki(hit.year)}年度` : null) : null,
    present(hit.department) ? chip(String(hit.department), 'dept') : null,
    present(hit.doc_type) ? chip(String(hit.doc_type), 'type') : null,
    where ? h('li', { class: 'chip chip--place', 'data-testid': 'hit-place' }, where) : null);
}

export function hitTitleText(hit) {
  if (present(hit.section_title)) return String(hit.section_title);
  if (present(hit.title)) return String(hit.title);
  return '（見出しなし）';
}

export function snippetEl(hit, cls) {
  if (!present(hit.snippet)) return null;
  return h('p', { class: cls || 'hit__snippet' }, safeSnippet(hit.snippet));
}

export function docSourceLine(hit) {
  const parts = [];
  if (present(hit.title)) parts.push(String(hit.title));
  if (present(hit.file)) parts.push(String(hit.file));
  if (!parts.length) return null;
  return h('p', { class: 'hit__source' },
    h('span', { class: 'visually-hidden' }, '出典文書：'),
    present(hit.title) ? h('span', { class: 'hit__doc' }, String(hit.title)) : null,
    present(hit.file) ? h('span', { class: 'hit__file' }, String(hit.file)) : null);
}

/** Compact list of hits used by the "similar" panels. */
export function similarList(hits) {
  return h('ol', { class: 'similar__list' }, hits.map((hit) => h('li', { class: 'similar__item' },
    h('a', { class: 'similar__title', href: docUrl(hit.doc_id, '', hit.section_id) }, hitTitleText(hit)),
    hitChips(hit),
    snippetEl(hit, 'similar__snippet'),
    docSourceLine(hit))));
}

/** Button + collapsible panel loading /api/similar/{section_id}. */
export function similarToggle(sectionId, label) {
  const panelId = uid('similar');
  const button = h('button', {
    type: 'button',
    class: 'btn btn--link similar-toggle',
    'aria-expanded': 'false',
    'aria-controls': panelId,
    disabled: !present(sectionId),
  }, label);
  const panel = h('div', { id: panelId, class: 'similar', hidden: true, 'aria-live': 'polite' });
  let loaded = false;
  let loading = false;
  button.addEventListener('click', async () => {
    const open = button.getAttribute('aria-expanded') === 'true';
    button.setAttribute('aria-expanded', open ? 'false' : 'true');
    panel.hidden = open;
    if (open || loaded || loading) return;
    loading = true;
    panel.replaceChildren(h('p', { class: 'loading loading--small' }, '類似の取り組みを探しています…'));
    try {
      const data = await api(`/api/similar/${enc(sectionId)}`, toParams({ other_cities: 'true', limit: 5 }));
      const hits = Array.isArray(data.hits) ? data.hits : [];
      const terms = (Array.isArray(data.terms) ? data.terms : []).filter(present).map(String).slice(0, 8);
      panel.replaceChildren(
        h('h4', { class: 'similar__heading' }, '他市の類似の取り組み'),
        terms.length && hits.length
          ? h('p', { class: 'similar__terms' }, `共通する主な語：${terms.join('、')}`)
          : null,
        hits.length ? similarList(hits) : h('p', { class: 'muted' }, '該当なし：他市の類似の取り組みは見つかりませんでした。'));
      loaded = true;
    } catch (e) {
      panel.replaceChildren(h('p', { class: 'inline-error' }, '類似の取り組みを読み込めませんでした。'));
      showError(e.message);
    } finally {
      loading = false;
    }
  });
  return { button, panel };
}

/**
 * City multi-select for the compare/trend pages, filled from the city facet
 * of /api/search?q=…&limit=1.
 */
export function createCityPicker({ onChange, legend }) {
  const req = requester();
  const body = h('div', { class: 'citypicker__body' });
  const el = h('fieldset', { class: 'citypicker', 'data-testid': 'city-picker' },
    h('legend', { class: 'citypicker__legend' }, legend), body);
  let showAll = false;
  let lastKey = null;

  function draw(values, selected) {
    const sel = new Set(selected);
    const known = new Set(values.map((v) => v.value));
    const all = values.concat(selected.filter((c) => !known.has(c)).map((c) => ({ value: c, count: null })));
    const limit = 16;
    const shown = showAll ? all : all.filter((v, i) => i < limit || sel.has(v.value));
    const list = h('ul', { class: 'citypicker__list' }, shown.map((v) => {
      const input = h('input', { type: 'checkbox', value: v.value, checked: sel.has(v.value), 'data-focus-key': `pick:${v.value}` });
      input.addEventListener('change', () => {
        const next = new Set(selected);
        if (input.checked) next.add(v.value);
        else next.delete(v.value);
        // keep the facet order
        onChange(all.map((x) => x.value).filter((x) => next.has(x)));
      });
      return h('li', null, h('label', { class: 'pill' }, input,
        h('span', { class: 'pill__text' }, v.value),
        v.count !== null ? h('span', { class: 'pill__count' }, fmt(v.count)) : null));
    }));
    const kids = [list];
    if (all.length > shown.length || showAll) {
      const more = h('button', { type: 'button', class: 'btn btn--link', 'data-focus-key': 'pick:more' },
        showAll ? '表示を減らす' : `すべて表示（${fmt(all.length)}）`);
      more.addEventListener('click', () => {
        showAll = !showAll;
        draw(values, selected);
        const again = body.querySelector('[data-focus-key="pick:more"]');
        if (again) again.focus();
      });
      kids.push(more);
    }
    if (selected.length) {
      const clear = h('button', { type: 'button', class: 'btn btn--link' }, '選択を解除');
      clear.addEventListener('click', () => onChange([]));
      kids.push(clear);
    }
    const focusKey = document.activeElement && body.contains(document.activeElement)
      ? document.activeElement.getAttribute('data-focus-key') : null;
    body.replaceChildren(...kids);
    if (focusKey) {
      const again = [...body.querySelectorAll('[data-focus-key]')].find((x) => x.getAttribute('data-focus-key') === focusKey);
      if (again) again.focus();
    }
  }

  async function load(q, selected, filters) {
    if (!present(q)) {
      lastKey = null;
      body.replaceChildren(h('p', { class: 'muted' }, '語を入力すると、該当する市区町村を選べるようになります。'));
      return;
    }
    // Sorted by year, a search does not add looser matches after a few
    // strict ones, so the counts are those of /api/compare and /api/trend.
    const params = toParams({ q, limit: 1, sort: 'year_desc', ...filters, city: [] });
    const key = params.toString();
    if (key === lastKey && body.querySelector('ul')) {
      draw(el._values || [], selected);
      return;
    }
    body.replaceChildren(h('p', { class: 'muted' }, '市区町村を読み込み中…'));
    try {
      const data = await req.run('/api/search', params);
      const values = ((data.facets && data.facets.city) || []).filter((v) => v && present(v.value))
        .map((v) => ({ value: String(v.value), count: v.count }));
      el._values = values;
      lastKey = key;
      if (!values.length && !selected.length) {
        body.replaceChildren(h('p', { class: 'muted' }, '該当なし：この語を含む市区町村はありません。'));
      } else {
        draw(values, selected);
      }
    } catch (e) {
      if (isAbort(e)) return;
      body.replaceChildren(h('p', { class: 'inline-error' }, '市区町村の一覧を読み込めませんでした。'));
      showError(e.message);
    }
  }

  return { el, load, destroy: () => req.abort() };
}

export const FIGURE_KINDS = { target: '目標', result: '実績', amount: '金額', count: '数' };

/**
 * Figures (targets, results, amounts) as a table, fetched when opened:
 * a document's (`doc_id`), or those of a search across cities and years.
 */
export function figuresPanel(docId, search) {
  const across = !present(docId);
  const box = h('div', null);
  const panel = h('details', { class: 'doc__figures', 'data-testid': across ? 'search-figures' : 'doc-figures' },
    h('summary', null, across ? 'この語を含む数値（目標・実績・金額）を市区町村・年度ごとに見る' : 'この文書の数値（目標・実績・金額）'), box);
  let loaded = false;
  panel.addEventListener('toggle', async () => {
    if (!panel.open || loaded) return;
    loaded = true;
    box.replaceChildren(loadingEl('数値を読み取っています…'));
    try {
      const data = await api('/api/figures', toParams(across ? search : { doc_id: docId }));
      const rows = (data.figures || []).map((f) => h('tr', { 'data-testid': 'figure-row' },
        across ? h('td', null, [f.city, present(f.year) ? yearLabel(f.year) : null].filter(present).join(' ')) : null,
        h('td', null, FIGURE_KINDS[f.kind] || String(f.kind)),
        h('td', null, f.label || '—'),
        h('td', { class: 'num' }, `${fmt(f.value)} ${f.unit}`),
        h('td', null, h('a', { href: across ? docUrl(f.doc_id, search.q, f.section_id) : `#${enc(f.section_id)}` }, f.context))));
      const figures = data.figures || [];
      const csvRows = () => [[...(across ? ['市区町村', '年度'] : []), '種類', '項目', '数値', '単位', '文', 'リンク'],
        ...figures.map((f) => [...(across ? [f.city || '', present(f.year) ? String(f.year) : ''] : []),
          FIGURE_KINDS[f.kind] || String(f.kind), f.label || '', String(f.value), f.unit || '', f.context || '',
          location.origin + docUrl(f.doc_id || docId, across ? search.q : '', f.section_id)])];
      box.replaceChildren(...(rows.length
        ? [h('table', { class: 'figures-table' },
          h('thead', null, h('tr', null, across ? h('th', null, '市区町村・年度') : null, h('th', null, '種類'), h('th', null, '項目'), h('th', null, '数値'), h('th', null, '文'))),
          h('tbody', null, ...rows)),
        h('p', { class: 'table-tools' }, csvButton(h, '数値をCSVで保存', across ? `数値_${search.q}.csv` : `数値_${docId}.csv`, csvRows, 'figures-csv'))]
        : [h('p', { class: 'muted' }, '数値は見つかりませんでした。')]));
    } catch (e) {
      box.replaceChildren(h('p', { class: 'muted' }, e.message));
    }
  });
  return panel;
}
/** Ids of documents that belong to a series (fetched once per page load). */
let seriesDocs = null;
export function seriesDocIds() {
  if (!seriesDocs) {
    seriesDocs = api('/api/series', null)
      .then((d) => new Set((d.series || []).flatMap((x) => x.documents.flatMap((doc) => [doc.doc_id, ...(doc.originals || []).map((o) => o.doc_id)]))))
      .catch(() => { seriesDocs = null; return new Set(); });
  }
  return seriesDocs;
}

/** 「この取り組みの経年変化」 on a hit, shown once its document is known to be in a series. */
export function historyLink(hit) {
  const a = h('a', { class: 'btn btn--link', href: `/changes?section=${enc(hit.section_id || '')}`, 'data-testid': 'hit-history', hidden: true }, 'この取り組みの経年変化');
  seriesDocIds().then((ids) => { if (ids.has(hit.doc_id)) a.hidden = false; });
  return a;
}
