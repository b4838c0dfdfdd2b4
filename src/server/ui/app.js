/* プランサーチ — web UI (plain ES2020, no build step, CSP-safe).
 *
 * Served by the Rust server as /ui/app.js; index.html is served for the UI
 * routes /, /documents/{doc_id}, /compare and /trend.
 *
 * Rules kept throughout this file:
 *  - every string that comes from the API is untrusted: DOM is built with
 *    createElement/textContent only; the one exception is the `snippet`
 *    field, which goes through safeSnippet() (text nodes + <mark> only);
 *  - no inline styles/handlers (strict CSP): classes, addEventListener and
 *    CSSOM (`el.style.x = …`) only;
 *  - the URL carries the whole state of every view.
 */
'use strict';

(() => {
  // ---------------------------------------------------------------------
  // Constants
  // ---------------------------------------------------------------------
  const PAGE_SIZE = 10;
  /** Documents fetched at once when only filters are given (the API's maximum). */
  const DOC_LIMIT = 1000;
  /** Facets where several values can be ticked at once. */
  const MULTI_FACETS = ['city', 'department'];
  const FACET_VISIBLE = 8;
  const SUGGEST_DELAY_MS = 150;
  const SORTS = [
    ['relevance', '関連度順'],
    ['year_desc', '新しい順'],
    ['year_asc', '古い順'],
  ];
  const SOURCE_LABELS = { manifest: '目録', path: 'ファイル名', text: '本文から推定' };
  const SOURCE_TITLES = {
    manifest: '文書の目録（manifest.csv）に記載された値です',
    path: 'ファイル名や保存フォルダの名前から判定した値です',
    text: '本文の記載から推定した値です。誤りを含む可能性があります',
  };
  const PARTIAL_MODES = {
    bigram: '語の大部分の文字を含む結果',
    any: 'いずれかの語を含む結果',
  };
  const QUERY_HINT = 'スペースで区切ると全ての語を含む結果、"…" で語句検索、-語 で除外、OR でいずれか';
  // Okabe–Ito palette (colour-blind safe) + dash patterns for the trend chart.
  const SERIES_COLORS = ['#1b1b1f', '#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7a5c00'];
  const SERIES_DASHES = ['', '', '7 4', '2 3', '10 3 2 3', '5 2', '1 2', '12 4'];

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const main = document.getElementById('main');
  const errorBox = document.getElementById('error');
  const errorText = document.getElementById('error-text');
  const live = document.getElementById('live');

  // ---------------------------------------------------------------------
  // Small DOM helpers
  // ---------------------------------------------------------------------
  function setProps(el, props) {
    if (!props) return;
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') el.textContent = String(v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }

  function append(el, kids) {
    for (const kid of kids) {
      if (kid === null || kid === undefined || kid === false) continue;
      if (Array.isArray(kid)) append(el, kid);
      else if (kid instanceof Node) el.appendChild(kid);
      else el.appendChild(document.createTextNode(String(kid)));
    }
    return el;
  }

  /** h('div', {class: 'x', text: '…'}, child, …) */
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    setProps(el, props);
    return append(el, kids);
  }

  /** Same for SVG elements. */
  function s(tag, props, ...kids) {
    const el = document.createElementNS(SVG_NS, tag);
    setProps(el, props);
    return append(el, kids);
  }

  const present = (v) => v !== null && v !== undefined && String(v).trim() !== '';
  const fmt = (n) => (Number.isFinite(Number(n)) ? Number(n).toLocaleString('ja-JP') : '—');
  /** Search time as staff read it: milliseconds are not worth "0.00秒". */
  const tookLabel = (ms) => (ms < 1000 ? '（1秒未満）' : `（${(ms / 1000).toFixed(1)}秒）`);

  let uidCounter = 0;
  const uid = (prefix) => `${prefix}-${++uidCounter}`;

  function debounce(fn, ms) {
    let t = 0;
    const d = (...args) => {
      clearTimeout(t);
      t = setTimeout(() => fn(...args), ms);
    };
    d.cancel = () => clearTimeout(t);
    return d;
  }

  function announce(msg) {
    live.textContent = '';
    // A fresh text node makes screen readers re-read identical messages.
    setTimeout(() => { live.textContent = msg; }, 30);
  }

  /** Japanese era name for a (fiscal) year, e.g. 2023 → 令和5. */
  function wareki(y) {
    const n = Number(y);
    if (!Number.isInteger(n)) return '';
    const era = (name, start) => {
      const k = n - start + 1;
      return `${name}${k === 1 ? '元' : k}`;
    };
    if (n >= 2019) return era('令和', 2019);
    if (n >= 1989) return era('平成', 1989);
    if (n >= 1926) return era('昭和', 1926);
    return '';
  }

  /** 2020 → R2, 2019 → R1, 2018 → H30: the short form used on axes and selects. */
  function warekiShort(y) {
    const w = wareki(y);
    const letter = { 令和: 'R', 平成: 'H', 昭和: 'S' }[w.slice(0, 2)];
    return letter ? `${letter}${w.slice(2).replace('元', '1')}` : '';
  }

  const yearLabel = (y) => (present(y) ? `${y}年度` : '');

  // ---------------------------------------------------------------------
  // Snippet sanitizer: keeps only text nodes and <mark> elements.
  // ---------------------------------------------------------------------
  function safeSnippet(html) {
    const out = document.createDocumentFragment();
    if (html === null || html === undefined) return out;
    const tpl = document.createElement('template');
    // Attributes are never needed (only bare <mark> is kept); dropping them
    // before parsing means no event-handler attribute ever reaches the parser
    // (which would otherwise log CSP violations, although they stay inert).
    const stripped = String(html).replace(/<(\/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>/g, '<$1$2>');
    tpl.innerHTML = stripped; // inert: template content never runs/loads
    const DROP = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'noscript']);
    const copy = (src, dst) => {
      for (const node of src.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) {
          dst.appendChild(document.createTextNode(node.data));
        } else if (node.nodeType === Node.ELEMENT_NODE) {
          const name = node.localName;
          if (name === 'mark') copy(node, dst.appendChild(document.createElement('mark')));
          else if (!DROP.has(name)) copy(node, dst); // unwrap unknown elements, keep their text
        }
      }
    };
    copy(tpl.content, out);
    return out;
  }

  // ---------------------------------------------------------------------
  // Client-side term highlighting (document page) — text nodes only.
  // ---------------------------------------------------------------------
  function queryTerms(q) {
    const terms = [];
    if (!q) return terms;
    const re = /(-?)"([^"]*)"?|(\S+)/gu;
    let m;
    while ((m = re.exec(q)) !== null) {
      if (m[2] !== undefined) {
        if (m[1]) continue; // -"excluded phrase"
        const phrase = m[2].trim();
        if (phrase) terms.push(phrase);
      } else {
        let t = m[3];
        if (t.startsWith('-') || t.startsWith('－')) continue;
        if (t === 'OR' || t === '|') continue;
        t = t.replace(/["“”]/g, '');
        if (t) terms.push(t);
      }
    }
    return [...new Set(terms)];
  }

  function charPattern(c) {
    const cls = (x) => (/[\\\]\[^-]/.test(x) ? `\\${x}` : x);
    const code = c.codePointAt(0);
    if (code >= 0x21 && code <= 0x7e) return `[${cls(c)}${String.fromCodePoint(code + 0xfee0)}]`;
    if (code >= 0xff01 && code <= 0xff5e) return `[${cls(String.fromCodePoint(code - 0xfee0))}${c}]`;
    if (/\s/u.test(c)) return '\\s*';
    return c;
  }

  /** RegExp matching any of the terms (case-insensitive, half/full width), or null. */
  function termsRegExp(terms) {
    if (!terms.length) return null;
    const parts = [...terms]
      .sort((a, b) => b.length - a.length)
      .map((t) => Array.from(t).map(charPattern).join(''));
    try {
      return new RegExp(parts.join('|'), 'giu');
    } catch (_) {
      return null;
    }
  }

  /** Returns {frag, count}: text with <mark> around matches, built from text nodes. */
  function highlightText(text, re, seen) {
    const frag = document.createDocumentFragment();
    const str = text === null || text === undefined ? '' : String(text);
    if (!re) {
      frag.appendChild(document.createTextNode(str));
      return { frag, count: 0 };
    }
    let last = 0;
    let count = 0;
    for (const m of str.matchAll(re)) {
      if (!m[0]) continue;
      if (m.index > last) frag.appendChild(document.createTextNode(str.slice(last, m.index)));
      const mark = document.createElement('mark');
      mark.textContent = m[0];
      frag.appendChild(mark);
      if (seen) seen.add(m[0]);
      last = m.index + m[0].length;
      count++;
    }
    if (last < str.length) frag.appendChild(document.createTextNode(str.slice(last)));
    return { frag, count };
  }

  // ---------------------------------------------------------------------
  // Errors + API
  // ---------------------------------------------------------------------
  class ApiError extends Error {
    constructor(message, code, status) {
      super(message);
      this.code = code;
      this.status = status;
    }
  }

  /** Japanese messages for the API's (English) errors: known messages, then codes. */
  const ERROR_MESSAGES = [
    [/only excludes words/, () => '除外する語（-語）だけでは検索できません。探したい語も入力してください（例：防災 -訓練）。'],
    [/query is empty|no searchable words/, () => '検索できる語がありません。別の語を入力してください。'],
    [/longer than (\d+) characters/, (m) => `検索語が長すぎます。${m[1]}文字以内にしてください。`],
    [/has (\d+) terms; use at most (\d+)/, (m) => `語の数が多すぎます（${m[1]}語）。${m[2]}語以内にしてください。`],
    [/offset \+ limit must be at most/, () => 'これより後のページは表示できません。条件を追加して絞り込んでください。'],
    [/compare at most (\d+) cities/, (m) => `一度に比較できるのは${m[1]}市区町村までです。`],
  ];
  const ERROR_CODES = {
    missing_query: '検索語を入力してください。',
    invalid_query: '検索語を解釈できませんでした。入力を見直してください。',
    invalid_parameter: '条件の指定に誤りがあります。条件をクリアして、もう一度お試しください。',
    not_found: 'お探しの文書が見つかりませんでした。削除されたか、URLが誤っている可能性があります。',
    overloaded: 'ただいま混み合っています。しばらくしてから、もう一度お試しください。',
    internal: 'サーバーでエラーが発生しました。時間をおいて、もう一度お試しください。',
  };
  const DETAILED = new Set(['invalid_query', 'invalid_parameter']);

  function errorMessage(code, message, status) {
    const msg = present(message) ? String(message) : '';
    for (const [re, text] of ERROR_MESSAGES) {
      const m = msg.match(re);
      if (m) return text(m);
    }
    const known = code && ERROR_CODES[code];
    if (known) return DETAILED.has(code) && msg ? `${known}（詳細：${msg}）` : known;
    return msg || `サーバーでエラーが発生しました（HTTP ${status}）。`;
  }

  function showError(message) {
    errorText.textContent = message || 'エラーが発生しました。';
    errorBox.hidden = false;
  }

  function hideError() {
    errorBox.hidden = true;
    errorText.textContent = '';
  }

  document.getElementById('error-close').addEventListener('click', hideError);

  const isAbort = (e) => e && e.name === 'AbortError';

  function toParams(obj) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) {
      if (Array.isArray(v)) v.filter(present).forEach((x) => p.append(k, String(x)));
      else if (present(v)) p.append(k, String(v));
    }
    return p;
  }

  async function api(path, params, signal) {
    const qs = params ? params.toString() : '';
    const url = qs ? `${path}?${qs}` : path;
    let res;
    try {
      res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
    } catch (e) {
      if (isAbort(e)) throw e;
      throw new ApiError('サーバーに接続できませんでした。ネットワーク接続を確認して、もう一度お試しください。');
    }
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      if (isAbort(e)) throw e;
    }
    if (!res.ok) {
      const err = (body && body.error) || {};
      throw new ApiError(errorMessage(err.code, err.message, res.status), err.code, res.status);
    }
    if (body === null || typeof body !== 'object') {
      throw new ApiError('サーバーから正しい応答を受け取れませんでした。');
    }
    return body;
  }

  /** One in-flight request per "channel"; a new call aborts the previous one. */
  function requester() {
    let ctrl = null;
    return {
      async run(path, params) {
        if (ctrl) ctrl.abort();
        const mine = new AbortController();
        ctrl = mine;
        try {
          return await api(path, params, mine.signal);
        } finally {
          if (ctrl === mine) ctrl = null;
        }
      },
      abort() {
        if (ctrl) ctrl.abort();
        ctrl = null;
      },
    };
  }

  // ---------------------------------------------------------------------
  // URLs
  // ---------------------------------------------------------------------
  const enc = encodeURIComponent;

  function safeDecode(s) {
    try {
      return decodeURIComponent(s);
    } catch (_) {
      return s;
    }
  }

  function withQuery(path, params) {
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  }

  function docUrl(docId, q, sectionId) {
    let url = `/documents/${enc(docId)}`;
    if (present(q)) url += `?q=${enc(q)}`;
    if (present(sectionId)) url += `#${enc(sectionId)}`;
    return url;
  }

  function readSearchState(params) {
    const sort = params.get('sort');
    const page = parseInt(params.get('page') || '1', 10);
    return {
      q: params.get('q') || '',
      city: params.getAll('city').filter(present),
      prefecture: params.get('prefecture') || '',
      department: params.getAll('department').filter(present),
      year_from: params.get('year_from') || '',
      year_to: params.get('year_to') || '',
      doc_type: params.get('doc_type') || '',
      sort: SORTS.some(([v]) => v === sort) ? sort : 'relevance',
      page: Number.isInteger(page) && page > 0 ? page : 1,
    };
  }

  function searchUrl(st) {
    return withQuery('/', toParams({
      q: st.q,
      city: st.city,
      prefecture: st.prefecture,
      department: st.department,
      year_from: st.year_from,
      year_to: st.year_to,
      doc_type: st.doc_type,
      sort: st.sort && st.sort !== 'relevance' ? st.sort : '',
      page: st.page > 1 ? st.page : '',
    }));
  }

  function filterParams(st) {
    return {
      city: st.city,
      prefecture: st.prefecture,
      department: st.department,
      year_from: st.year_from,
      year_to: st.year_to,
      doc_type: st.doc_type,
    };
  }

  const hasFilters = (st) => !!(st.city.length || st.prefecture || st.department.length ||
    st.year_from || st.year_to || st.doc_type);

  // ---------------------------------------------------------------------
  // Router
  // ---------------------------------------------------------------------
  const APP_PATH = /^\/($|documents\/.+|compare\/?$|trend\/?$)/;
  let lastSearchUrl = null;
  /** The page navigated from (for 「検索結果に戻る」 to go back in history). */
  let previousUrl = null;
  let pendingScroll = null;
  let firstRender = true;

  if ('scrollRestoration' in history) history.scrollRestoration = 'manual';

  function parseRoute() {
    const path = location.pathname.replace(/\/+$/, '') || '/';
    if (path === '/') return { name: 'search' };
    if (path === '/compare') return { name: 'compare' };
    if (path === '/trend') return { name: 'trend' };
    if (path === '/changes') return { name: 'changes' };
    const m = path.match(/^\/documents\/(.+)$/);
    if (m) return { name: 'document', id: safeDecode(m[1]) };
    return { name: 'notfound' };
  }

  function rememberScroll() {
    try {
      history.replaceState({ ...(history.state || {}), scrollY: window.scrollY }, '');
    } catch (_) { /* ignore */ }
  }

  /** Navigate inside the app (pushState) and render. */
  function navigate(url, opts = {}) {
    rememberScroll();
    previousUrl = location.pathname + location.search;
    const same = url === location.pathname + location.search + location.hash;
    if (opts.replace || same) history.replaceState({}, '', url);
    else history.pushState({}, '', url);
    render({ scrollTop: !opts.keepScroll && !url.includes('#') });
  }

  /** Called by views once their content is on screen. */
  function restoreScroll() {
    if (pendingScroll !== null) {
      const y = pendingScroll;
      pendingScroll = null;
      window.scrollTo(0, y);
    } else if (location.hash) {
      scrollToHash();
    }
  }

  function scrollToHash() {
    if (!location.hash) return;
    const el = document.getElementById(safeDecode(location.hash.slice(1)));
    if (el && el.classList.contains('doc-section')) {
      el.scrollIntoView({ block: 'start' });
      el.classList.add('is-target');
      setTimeout(() => el.classList.remove('is-target'), 2200);
      const heading = el.querySelector('h2');
      if (heading) heading.focus({ preventScroll: true });
    }
  }

  let current = { name: null, view: null, key: null };

  function updateNav(name) {
    for (const a of document.querySelectorAll('.site-nav a[data-nav]')) {
      if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  function render(opts = {}) {
    const route = parseRoute();
    const params = new URLSearchParams(location.search);
    const key = location.pathname + location.search;
    if (key === current.key && current.view) {
      // Only the hash changed (e.g. a table-of-contents link).
      pendingScroll = null;
      scrollToHash();
      return;
    }
    hideError();
    updateNav(route.name === 'document' ? 'search' : route.name);
    const sameView = current.view && current.name === route.name && current.view.update &&
      route.name !== 'document';
    if (opts.scrollTop && !location.hash) window.scrollTo(0, 0);
    if (sameView) {
      current.view.update(params, route);
    } else {
      if (current.view && current.view.destroy) current.view.destroy();
      main.replaceChildren();
      const view = VIEWS[route.name]();
      current.view = view;
      current.name = route.name;
      view.mount(main, params, route);
      if (!firstRender && view.focusOnEnter) view.focusOnEnter();
    }
    current.key = key;
    firstRender = false;
  }

  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest && e.target.closest('a');
    if (!a) return;
    const target = a.getAttribute('target');
    if ((target && target !== '_self') || a.hasAttribute('download')) return;
    const href = a.getAttribute('href');
    if (!href) return;
    let url;
    try {
      url = new URL(href, location.href);
    } catch (_) {
      return;
    }
    if (url.origin !== location.origin || !APP_PATH.test(url.pathname)) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) {
      // In-page anchor: let the browser scroll; popstate/hashchange handled below.
      return;
    }
    e.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });

  window.addEventListener('popstate', (e) => {
    pendingScroll = e.state && typeof e.state.scrollY === 'number' ? e.state.scrollY : null;
    render();
  });

  // "/" focuses the search box (when not typing somewhere else).
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const input = main.querySelector('[data-testid="search-input"]');
    if (input) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });

  // ---------------------------------------------------------------------
  // Shared components
  // ---------------------------------------------------------------------

  /** Query box with suggestion dropdown (ARIA 1.2 combobox). */
  function createQueryBox({ value, onSubmit, placeholder, buttonText }) {
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

  function chip(text, kind, title) {
    return h('li', { class: `chip${kind ? ` chip--${kind}` : ''}`, title: title || null }, text);
  }

  /** Where a passage is in its original: 「p. 12」 for a PDF page, the sheet of a workbook. */
  function placeLabel(hit) {
    if (present(hit.page)) return `p. ${hit.page}`;
    if (present(hit.sheet)) return `シート「${hit.sheet}」`;
    return '';
  }

  /** The original file of a document; a PDF opens at the passage's page. */
  function originalUrl(docId, page) {
    return `/api/documents/${enc(docId)}/original${present(page) ? `#page=${Number(page)}` : ''}`;
  }

  function originalLink(hit) {
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

  const VIA_KINDS = { synonym: '同義語', reading: '読み', variant: '表記ゆれ' };

  /** Typed words this hit holds only in another form: 「公民連携 → 官民連携（同義語）」. */
  function viaNote(hit) {
    const via = Array.isArray(hit.via) ? hit.via.filter((v) => v && present(v.term) && present(v.form)) : [];
    if (!via.length) return null;
    return h('p', { class: 'hit__via', 'data-testid': 'hit-via' },
      via.map((v) => `${v.term} → ${v.form}（${VIA_KINDS[v.kind] || '別の表記'}）`).join('、'));
  }

  function hitChips(hit) {
    const place = [hit.prefecture, hit.city].filter(present).join(' ');
    const where = placeLabel(hit);
    return h('ul', { class: 'chips', 'aria-label': '属性' },
      present(place) ? chip(place, 'city') : null,
      present(hit.year) ? chip(yearLabel(hit.year), 'year', wareki(hit.year) ? `${wareki(hit.year)}年度` : null) : null,
      present(hit.department) ? chip(String(hit.department), 'dept') : null,
      present(hit.doc_type) ? chip(String(hit.doc_type), 'type') : null,
      where ? h('li', { class: 'chip chip--place', 'data-testid': 'hit-place' }, where) : null);
  }

  function hitTitleText(hit) {
    if (present(hit.section_title)) return String(hit.section_title);
    if (present(hit.title)) return String(hit.title);
    return '（見出しなし）';
  }

  function snippetEl(hit, cls) {
    if (!present(hit.snippet)) return null;
    return h('p', { class: cls || 'hit__snippet' }, safeSnippet(hit.snippet));
  }

  function docSourceLine(hit) {
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
  function similarList(hits) {
    return h('ol', { class: 'similar__list' }, hits.map((hit) => h('li', { class: 'similar__item' },
      h('a', { class: 'similar__title', href: docUrl(hit.doc_id, '', hit.section_id) }, hitTitleText(hit)),
      hitChips(hit),
      snippetEl(hit, 'similar__snippet'),
      docSourceLine(hit))));
  }

  /** Button + collapsible panel loading /api/similar/{section_id}. */
  function similarToggle(sectionId, label) {
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

  function loadingEl(text) {
    return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text || '読み込み中…');
  }

  /**
   * City multi-select for the compare/trend pages, filled from the city facet
   * of /api/search?q=…&limit=1.
   */
  function createCityPicker({ onChange, legend }) {
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

  // ---------------------------------------------------------------------
  // View: search
  // ---------------------------------------------------------------------
  function SearchView() {
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
      root.append(
        h('div', { class: 'page-head page-head--search' },
          h('h1', { class: 'visually-hidden' }, '検索'),
          qb.form),
        h('div', { class: 'search-layout' }, aside, results));
      if (firstRender || !document.activeElement || document.activeElement === document.body) qb.input.focus();
      update(params);
    }

    function focusOnEnter() {
      qb.input.focus();
    }

    async function update(params) {
      st = readSearchState(params);
      qb.setValue(st.q);
      lastSearchUrl = location.pathname + location.search;
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
        : api('/api/search', toParams({ q: st.q, ...filterParams(st), [k]: [], limit: 1 }), fc.signal)
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
      const anyFacet = ['city', 'year', 'department', 'prefecture'].some((k) => Array.isArray(facets[k]) && facets[k].length);
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

    /** Facet counts (documents) of a list from /api/documents. */
    function documentFacets(docs) {
      const out = {};
      for (const key of ['city', 'prefecture', 'department', 'year']) {
        const counts = new Map();
        for (const d of Array.isArray(docs) ? docs : []) {
          if (!d || !present(d[key])) continue;
          const v = String(d[key]);
          counts.set(v, (counts.get(v) || 0) + 1);
        }
        out[key] = [...counts].map(([value, count]) => ({ value, count }))
          .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
      }
      return out;
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
      clear.addEventListener('click', () => go({ city: [], prefecture: '', department: [], year_from: '', year_to: '', doc_type: '' }));
      const bodyId = 'facets-body';
      const body = h('div', { class: `facets__body${facetsOpen ? '' : ' is-collapsed'}`, id: bodyId },
        checkboxFacet({ key: 'city', label: '市区町村', testid: 'facet-city', list: facets.city, selected: st.city }),
        yearFacet(facets.year),
        checkboxFacet({ key: 'department', label: '部局', testid: 'facet-department', list: facets.department, selected: st.department }),
        checkboxFacet({ key: 'prefecture', label: '都道府県', testid: 'facet-prefecture', list: facets.prefecture, selected: st.prefecture ? [st.prefecture] : [], single: true }));
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
      const p = toParams({ q: st.q, ...filterParams(st), sort: st.sort !== 'relevance' ? st.sort : '' });
      return h('a', { class: 'btn btn--secondary btn--small', href: withQuery('/api/search.csv', p), download: '', 'data-testid': 'csv-download', title: 'すべての該当箇所（最大10,000件）をCSVで保存します' }, 'CSVダウンロード');
    }

    function compareUrl(extraCities) {
      return withQuery('/compare', toParams({ q: st.q, city: extraCities || [], year_from: st.year_from, year_to: st.year_to }));
    }

    function hitCard(hit) {
      const { button, panel } = similarToggle(hit.section_id, '他市の類似の取り組み');
      return h('li', { class: 'hit', 'data-testid': 'hit' },
        h('article', { class: 'hit__body' },
          h('h3', { class: 'hit__title' },
            h('a', { href: docUrl(hit.doc_id, st.q, hit.section_id), 'data-testid': 'hit-title' }, hitTitleText(hit))),
          hitChips(hit),
          viaNote(hit),
          snippetEl(hit),
          hit.via_reading ? h('p', { class: 'muted hit__via-reading', 'data-testid': 'via-reading' }, '読みが一致（表記は異なります）') : null,
          h('div', { class: 'hit__foot' },
            docSourceLine(hit),
            h('div', { class: 'hit__actions' },
              originalLink(hit),
              button,
              h('a', { class: 'btn btn--link', href: compareUrl(st.city.length >= 2 ? st.city : []) }, 'この語で比較'),
              historyLink(hit))),
          panel));
    }

    function pagination(total) {
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
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
        b.addEventListener('click', () => go({ city: [], prefecture: '', department: [], year_from: '', year_to: '', doc_type: '' }));
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
        h('div', { class: 'results__tools' }, sortSelect(), total > 0 ? csvLink() : null));
      const kids = [bar, activeFilters()];
      const partial = data.partial && Array.isArray(data.partial.hits) && data.partial.hits.length ? data.partial : null;
      if (present(data.did_you_mean)) {
        kids.push(h('p', { class: 'notice notice--plain', 'data-testid': 'did-you-mean' }, 'もしかして：',
          h('a', { href: searchUrl({ ...st, q: String(data.did_you_mean), page: 1 }) }, String(data.did_you_mean))));
      }
      if (!hits.length) {
        if (total > 0) {
          kids.push(h('div', { class: 'empty' }, h('h2', { class: 'empty__title' }, 'このページには結果がありません'),
            h('p', null, h('a', { href: searchUrl({ ...st, page: 1 }) }, '最初のページへ戻る'))));
        } else {
          kids.push(emptyState(partial));
        }
      } else {
        const start = (st.page - 1) * PAGE_SIZE;
        kids.push(h('ol', { class: 'hits', start: String(start + 1), 'aria-label': '検索結果一覧' }, hits.map(hitCard)));
        kids.push(pagination(total));
        kids.push(figuresPanel(null, { q: st.q, ...filterParams(st) }));
      }
      if (partial) kids.push(partialSection(partial));
      results.replaceChildren(...kids.filter(Boolean));
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
            h('p', null, '語が年度ごとにどれだけ現れるかをグラフで確認できます。'))),
        h('h3', { class: 'welcome__sub' }, '検索の例'),
        h('ul', { class: 'examples' }, examples.map((q) => h('li', null,
          h('a', { class: 'example', href: searchUrl({ ...readSearchState(new URLSearchParams()), q }) }, q)))));
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
        box.replaceChildren(
          h('h3', { class: 'welcome__sub', id: 'overview-title' }, '収録されている文書'),
          h('p', { class: 'overview__totals', 'data-testid': 'overview-totals' },
            `${fmt(a.documents)}文書・${fmt(a.passages)}箇所`,
            updated ? h('span', { class: 'muted' }, `（${updated.toLocaleString('ja-JP')} 更新）`) : null),
          h('div', { class: 'overview__grid' },
            list('市区町村', by.city, (v) => ({ city: [v] }), (v) => v, 'overview-city'),
            list('年度', by.year, (v) => ({ year_from: v, year_to: v }), (v) => yearLabel(v), 'overview-year'),
            list('文書種別', by.doc_type, (v) => ({ doc_type: v }), (v) => v, 'overview-type'),
            list('部局', by.department, (v) => ({ department: [v] }), (v) => v, 'overview-department')),
          skipped.length
            ? h('details', { class: 'overview__skipped' },
              h('summary', null, `読み込めなかったファイル（${fmt(skipped.length)}件）`),
              h('ul', null, skipped.slice(0, 200).map((s) => h('li', null, h('code', null, String(s.rel)), `：${s.reason}`))))
            : null);
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

  // ---------------------------------------------------------------------
  // View: document
  // ---------------------------------------------------------------------
  const META_FIELDS = [
    ['city', '市区町村'],
    ['prefecture', '都道府県'],
    ['city_code', '団体コード'],
    ['year', '年度'],
    ['department', '部局'],
    ['head', '部局長'],
    ['doc_type', '文書種別'],
    ['file', 'ファイル'],
    ['format', '形式'],
    ['source_url', '出典URL'],
  ];
  const WIDE_META = new Set(['source_url']);

  function DocumentView() {
    const req = requester();
    let termsCtrl = null;
    let root = null;

    function mount(el, params, route) {
      root = el;
      const q = params.get('q') || '';
      document.title = '文書 - プランサーチ';
      root.replaceChildren(loadingEl('文書を読み込んでいます…'));
      load(route.id, q);
    }

    /**
     * The words the search engine matched for `q` (base forms, synonyms,
     * variants: `query_terms` of /api/search), so that the page marks what
     * the snippets marked. Single characters are kept only when typed.
     */
    async function matchedTerms(q, signal) {
      const typed = queryTerms(q);
      if (!typed.length) return typed;
      let data = null;
      try {
        data = await api('/api/search', toParams({ q, limit: 1 }), signal);
      } catch (e) {
        if (isAbort(e)) throw e;
        return typed; // highlighting is a nicety: fall back to the typed words
      }
      const extra = (Array.isArray(data.query_terms) ? data.query_terms : [])
        .filter((t) => present(t) && Array.from(String(t)).length >= 2)
        .map(String);
      return { typed, all: [...new Set([...typed, ...extra])] };
    }

    async function load(id, q) {
      let doc;
      let terms;
      const ctrl = new AbortController();
      termsCtrl = ctrl;
      try {
        [doc, terms] = await Promise.all([
          req.run(`/api/documents/${enc(id)}`, null),
          present(q) ? matchedTerms(q, ctrl.signal) : [],
        ]);
      } catch (e) {
        if (isAbort(e)) return;
        ctrl.abort();
        showError(e.message);
        root.replaceChildren(h('div', { class: 'empty' },
          h('h1', { class: 'empty__title' }, '文書を表示できませんでした'),
          h('p', null, h('a', { href: backUrl(q) }, '検索に戻る'))));
        return;
      }
      if (Array.isArray(terms)) terms = { typed: terms, all: terms };
      draw(doc, q, terms);
      restoreScroll();
    }

    function backUrl(q) {
      if (lastSearchUrl) return lastSearchUrl;
      return present(q) ? `/?q=${enc(q)}` : '/';
    }

    /** Back to the results where the user left them: history.back() restores the scroll position. */
    function backLink(q) {
      const href = backUrl(q);
      const a = h('a', { href, 'data-testid': 'back-link' }, '← 検索結果に戻る');
      a.addEventListener('click', (e) => {
        if (previousUrl === href && history.length > 1) {
          e.preventDefault();
          e.stopPropagation();
          history.back();
        }
      });
      return a;
    }

    function sourceBadge(src) {
      if (!present(src)) return null;
      const key = String(src);
      return h('span', { class: `badge badge--${SOURCE_LABELS[key] ? key : 'other'}`, title: SOURCE_TITLES[key] || null },
        h('span', { class: 'visually-hidden' }, '出典：'), SOURCE_LABELS[key] || key);
    }

    function metaValue(field, value) {
      if (!present(value)) return h('span', { class: 'muted' }, '不明');
      const v = String(value);
      if (field === 'source_url') {
        if (/^https?:\/\//i.test(v)) {
          return h('a', { href: v, rel: 'noopener noreferrer', target: '_blank', class: 'ext-link' },
            v, h('span', { class: 'visually-hidden' }, '（外部サイト・新しいタブで開きます）'));
        }
        return v;
      }
      if (field === 'year') return wareki(v) ? `${v}年度（${wareki(v)}年度）` : yearLabel(v);
      if (field === 'file') return h('code', { class: 'file' }, v);
      return v;
    }

    function draw(doc, q, matched) {
      const terms = matched.typed;
      const re = termsRegExp(matched.all);
      // Forms found on this page other than the typed words (synonyms,
      // parts of compounds…), as written in the document.
      const matchedForms = new Set();
      const typedRe = termsRegExp(terms);
      const relatedForms = () => [...matchedForms]
        .filter((f) => !(typedRe && f.replace(typedRe, '') === ''));
      const title = present(doc.title) ? String(doc.title) : present(doc.file) ? String(doc.file) : '（無題の文書）';
      document.title = `${title} - プランサーチ`;
      const sources = doc.sources && typeof doc.sources === 'object' ? doc.sources : {};
      const sections = Array.isArray(doc.sections) ? doc.sections : [];

      const sub = [doc.prefecture, doc.city, present(doc.year) ? yearLabel(doc.year) : null, doc.department]
        .filter(present).join('　');

      const metaTable = h('dl', { class: 'meta', 'data-testid': 'doc-meta' },
        META_FIELDS.map(([field, label]) => {
          const value = doc[field];
          return h('div', { class: `meta__row${WIDE_META.has(field) ? ' meta__row--wide' : ''}`, 'data-field': field },
            h('dt', null, label),
            h('dd', null, h('span', { class: 'meta__value' }, metaValue(field, value)),
              present(value) ? sourceBadge(sources[field]) : null));
        }));

      let totalMarks = 0;
      const tocItems = [];
      let lastPage = null;
      const sectionEls = sections.flatMap((sec, i) => {
        // A page boundary is marked where a passage starts on a new page.
        let pageMark = null;
        if (present(sec.page) && sec.page !== lastPage) {
          lastPage = sec.page;
          pageMark = h('p', { class: 'page-mark', 'data-testid': 'page-mark' },
            h('a', { href: originalUrl(doc.doc_id || '', sec.page), target: '_blank', rel: 'noopener' }, `p. ${sec.page}`));
        } else if (present(sec.sheet) && sec.sheet !== lastPage) {
          lastPage = sec.sheet;
          pageMark = h('p', { class: 'page-mark', 'data-testid': 'page-mark' }, `シート「${sec.sheet}」`);
        }
        const sid = present(sec.section_id) ? String(sec.section_id) : `section-${i + 1}`;
        const headingId = uid('sec-h');
        const secTitle = present(sec.title) ? String(sec.title) : `セクション ${i + 1}`;
        const { frag, count } = highlightText(sec.text, re, matchedForms);
        totalMarks += count;
        const { button, panel } = similarToggle(sec.section_id, '類似の取り組み(他市)');
        tocItems.push(h('li', { class: 'toc__item' },
          h('a', { href: `#${enc(sid)}`, class: 'toc__link' },
            h('span', { class: 'toc__text' }, secTitle),
            count ? h('span', { class: 'toc__count', title: `一致 ${count}件`, 'aria-label': `一致 ${count}件` }, String(count)) : null)));
        const sectionEl = h('section', { class: 'doc-section', id: sid, 'data-testid': 'doc-section', 'aria-labelledby': headingId },
          h('h2', { class: 'doc-section__title', id: headingId, tabindex: '-1' }, highlightText(secTitle, re).frag),
          h('div', { class: 'doc-section__text' }, frag),
          h('div', { class: 'doc-section__actions' },
            button,
            h('a', { class: 'btn btn--link', href: `/changes?section=${enc(sec.section_id || '')}`, 'data-testid': 'history-link' }, 'この取り組みの経年変化'),
            h('a', { class: 'btn btn--link', href: '#doc-top' }, 'ページの先頭へ')),
          panel);
        return pageMark ? [pageMark, sectionEl] : [sectionEl];
      });

      const toc = h('nav', { class: 'toc', 'aria-label': '目次' },
        h('h2', { class: 'toc__title' }, '目次'),
        tocItems.length ? h('ol', { class: 'toc__list' }, tocItems) : h('p', { class: 'muted' }, 'セクションはありません'));

      let highlightBar = null;
      if (terms.length) {
        const related = relatedForms();
        const marksInfo = h('span', { class: 'hlbar__info' },
          '「', h('strong', null, terms.join('」「')), '」',
          related.length
            ? h('span', { class: 'hlbar__related', title: related.join('、') },
              `と関連する語（${related.slice(0, 6).join('、')}${related.length > 6 ? ' ほか' : ''}）`)
            : null,
          `を強調表示しています（${fmt(totalMarks)}箇所）`);
        const prevBtn = h('button', { type: 'button', class: 'btn btn--secondary btn--small', disabled: !totalMarks }, '前の一致');
        const nextBtn = h('button', { type: 'button', class: 'btn btn--secondary btn--small', disabled: !totalMarks }, '次の一致');
        let idx = -1;
        const jump = (d) => {
          const marks = [...root.querySelectorAll('.doc-section__text mark')];
          if (!marks.length) return;
          if (idx >= 0 && marks[idx]) marks[idx].classList.remove('is-current');
          idx = (idx + d + marks.length) % marks.length;
          marks[idx].classList.add('is-current');
          marks[idx].scrollIntoView({ block: 'center' });
          announce(`${marks.length}箇所中 ${idx + 1}箇所目`);
        };
        prevBtn.addEventListener('click', () => jump(-1));
        nextBtn.addEventListener('click', () => jump(1));
        highlightBar = h('div', { class: 'hlbar' }, marksInfo,
          h('span', { class: 'hlbar__tools' }, prevBtn, nextBtn,
            h('a', { class: 'btn btn--link', href: docUrl(doc.doc_id || '', '', '') }, '強調を解除')));
      }

      // Grid areas: TOC on the left on wide screens, between the metadata and
      // the text on narrow ones.
      const article = h('article', { class: 'doc-layout' },
        h('div', { class: 'doc__head' },
          h('p', { class: 'breadcrumb' }, backLink(q)),
          h('h1', { class: 'doc__title', 'data-testid': 'doc-title', id: 'doc-top', tabindex: '-1' }, title),
          sub ? h('p', { class: 'doc__sub' }, sub) : null,
          present(doc.doc_id) ? h('p', { class: 'doc__changes' },
            h('a', { href: `/changes?doc=${enc(doc.doc_id)}`, 'data-testid': 'changes-link' }, '経年比較（前年度との違い）')) : null,
          present(doc.doc_id) ? h('p', { class: 'doc__original' },
            h('a', { class: 'btn btn--secondary btn--small', href: originalUrl(doc.doc_id, null), target: '_blank', rel: 'noopener', 'data-testid': 'doc-original' },
              `原本を開く${present(doc.format) ? `（${String(doc.format).toUpperCase()}${present(doc.pages) ? `・${doc.pages}ページ` : ''}）` : ''}`)) : null,
          h('section', { class: 'doc__meta', 'aria-label': '文書の情報' }, metaTable),
          present(doc.doc_id) ? figuresPanel(doc.doc_id) : null),
        h('aside', { class: 'doc-layout__toc' }, toc),
        h('div', { class: 'doc__body' },
          highlightBar,
          h('div', { class: 'doc__sections' }, sectionEls.length ? sectionEls : h('p', { class: 'muted' }, '本文がありません。'))));

      root.replaceChildren(article);
      if (highlightBar) {
        // A section jumped to must start below the sticky bar, whose height
        // depends on the screen (two or three lines on a phone).
        const keepClear = () => root.style.setProperty('--hlbar-h', `${highlightBar.offsetHeight}px`);
        keepClear();
        if (typeof ResizeObserver === 'function') new ResizeObserver(keepClear).observe(highlightBar);
      }
      if (!location.hash) {
        const h1 = root.querySelector('h1');
        if (h1 && document.activeElement === main) h1.focus({ preventScroll: true });
      }
    }

    return {
      mount,
      focusOnEnter() {
        main.focus({ preventScroll: true });
      },
      destroy() {
        req.abort();
        if (termsCtrl) termsCtrl.abort();
      },
    };
  }

  // ---------------------------------------------------------------------
  // Shared pieces of the compare/trend pages
  // ---------------------------------------------------------------------
  function readCityState(params) {
    return {
      q: params.get('q') || '',
      city: params.getAll('city').filter(present),
      filters: {
        prefecture: params.get('prefecture') || '',
        department: params.getAll('department').filter(present),
        year_from: params.get('year_from') || '',
        year_to: params.get('year_to') || '',
        doc_type: params.get('doc_type') || '',
      },
      metric: METRIC_NAMES[params.get('metric')] ? params.get('metric') : 'passages',
    };
  }

  function cityStateUrl(path, st) {
    return withQuery(path, toParams({
      q: st.q,
      city: st.city,
      ...st.filters,
      metric: st.metric !== 'passages' ? st.metric : '',
    }));
  }

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
        select.append(...years.map((y) => h('option', { value: y }, `${y}${warekiShort(y) ? `（${warekiShort(y)}）` : '年度'}`)));
      }
      from.select.value = st.filters.year_from || '';
      to.select.value = st.filters.year_to || '';
    }).catch(() => {});
    return h('div', { class: 'cityview__years' }, from.el, to.el);
  }

  function cityViewBase({ path, title, lead, legend, buttonText, onData }) {
    let st = null;
    let qb = null;
    let picker = null;
    let out = null;
    return {
      mount(root, params) {
        st = readCityState(params);
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
        root.append(pageHead(title, lead),
          h('div', { class: 'cityview__form' }, qb.form, yearRangeFilter(st, (years) => navigate(cityStateUrl(path, { ...st, filters: { ...st.filters, ...years } }), { keepScroll: true })), picker.el),
          out);
        if (firstRender && !present(st.q)) qb.input.focus();
        this.update(params);
      },
      update(params) {
        st = readCityState(params);
        qb.setValue(st.q);
        document.title = present(st.q) ? `「${st.q}」の${title} - プランサーチ` : `${title} - プランサーチ`;
        picker.load(st.q, st.city, st.filters);
        onData(out, st);
      },
      focusOnEnter() {
        if (!present(st.q)) qb.input.focus();
        else main.querySelector('h1').focus({ preventScroll: true });
      },
      destroy() {
        if (qb) qb.destroy();
        if (picker) picker.destroy();
      },
    };
  }

  // ---------------------------------------------------------------------
  // View: compare
  // ---------------------------------------------------------------------
  function CompareView() {
    const req = requester();
    let seq = 0;

    async function onData(out, st) {
      const mySeq = ++seq;
      if (!present(st.q)) {
        req.abort();
        out.replaceChildren(h('div', { class: 'empty empty--intro' },
          h('h2', { class: 'empty__title' }, '比べたい語を入力してください'),
          h('p', null, '市区町村を選ばない場合は、該当件数の多い市区町村を自動で並べます。')));
        restoreScroll();
        return;
      }
      out.setAttribute('aria-busy', 'true');
      out.replaceChildren(loadingEl('比較しています…'));
      let data;
      try {
        data = await req.run('/api/compare', toParams({ q: st.q, city: st.city, per_city: 3, ...st.filters }));
      } catch (e) {
        if (isAbort(e) || mySeq !== seq) return;
        out.removeAttribute('aria-busy');
        showError(e.message);
        out.replaceChildren(h('div', { class: 'empty' }, h('h2', { class: 'empty__title' }, '比較できませんでした')));
        return;
      }
      if (mySeq !== seq) return;
      out.removeAttribute('aria-busy');
      const cities = Array.isArray(data.cities) ? data.cities : [];
      if (!cities.length) {
        out.replaceChildren(h('div', { class: 'empty', role: 'status' },
          h('h2', { class: 'empty__title' }, '該当なし'),
          h('p', null, `「${st.q}」を含む記載のある市区町村は見つかりませんでした。`)));
        restoreScroll();
        return;
      }
      const cols = cities.map((c) => {
        const hits = Array.isArray(c.hits) ? c.hits : [];
        const cityName = present(c.city) ? String(c.city) : '（市区町村不明）';
        const total = Number(c.total) || 0;
        return h('section', { class: 'compare-col', 'data-testid': 'compare-column', 'aria-label': cityName },
          h('header', { class: 'compare-col__head' },
            h('h2', { class: 'compare-col__city' }, cityName),
            h('p', { class: 'compare-col__meta' },
              present(c.prefecture) ? h('span', { class: 'compare-col__pref' }, String(c.prefecture)) : null,
              h('span', { class: 'compare-col__count' }, `${fmt(total)}件`))),
          hits.length
            ? h('ol', { class: 'compare-col__hits' }, hits.map((hit) => h('li', { class: 'compare-hit' },
              h('h3', { class: 'compare-hit__title' },
                h('a', { href: docUrl(hit.doc_id, st.q, hit.section_id) }, hitTitleText(hit))),
              h('p', { class: 'compare-hit__meta' },
                [present(hit.year) ? yearLabel(hit.year) : null, hit.department].filter(present).join('・')),
              snippetEl(hit, 'compare-hit__snippet'),
              present(hit.title) ? h('p', { class: 'compare-hit__doc' }, String(hit.title)) : null)))
            : h('p', { class: 'muted compare-col__none' }, '該当なし'),
          present(c.city) && total > 0
            ? h('p', { class: 'compare-col__more' },
              h('a', { href: searchUrl({ ...readSearchState(new URLSearchParams()), q: st.q, city: [String(c.city)] }) },
                `${cityName}の結果をすべて見る（${fmt(total)}件）`))
            : null);
      });
      const grid = h('div', { class: 'compare-grid', role: 'region', 'aria-label': '市区町村ごとの比較', tabindex: '0' }, cols);
      out.replaceChildren(
        h('p', { class: 'cityview__summary' },
          `「${st.q}」について ${fmt(cities.length)} 市区町村の記載を比較しています`,
          st.city.length ? '' : '（該当件数の多い順）'),
        grid);
      restoreScroll();
    }

    const base = cityViewBase({
      path: '/compare',
      title: '比較',
      lead: '同じ語について、市区町村ごとの記載を横に並べて比べます。',
      legend: '比較する市区町村（選ばない場合は該当件数の多い市区町村）',
      buttonText: '比較',
      onData,
    });
    const destroy = base.destroy;
    base.destroy = () => {
      req.abort();
      destroy();
    };
    return base;
  }

  // ---------------------------------------------------------------------
  // View: trend
  // ---------------------------------------------------------------------
  function niceTicks(max, count) {
    if (max <= 0) return [0, 1];
    const raw = max / count;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const norm = raw / mag;
    const step = Math.max(1, (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag);
    const top = Math.ceil(max / step) * step;
    const ticks = [];
    for (let v = 0; v <= top + 1e-9; v += step) ticks.push(Math.round(v * 1000) / 1000);
    return ticks;
  }

  const METRIC_NAMES = { passages: '該当箇所数', documents: '文書数', share: '言及した文書の割合' };
  const METRIC_UNITS = { passages: '箇所', documents: '文書', share: '%' };

  function trendSeries(data) {
    const series = (Array.isArray(data.series) ? data.series : []).map((sr) => {
      const map = new Map();
      for (const p of Array.isArray(sr.points) ? sr.points : []) {
        const y = Number(p && p.year);
        if (!Number.isInteger(y)) continue;
        const inYear = Number(p.documents_in_year);
        // A year without any document is a gap (資料なし), not a zero.
        if (Number.isFinite(inYear) && inYear === 0) continue;
        const documents = Number(p.documents) || 0;
        map.set(y, {
          passages: Number(p.passages) || 0,
          documents,
          share: inYear > 0 ? Math.round((documents / inYear) * 1000) / 10 : 0,
          inYear: Number.isFinite(inYear) ? inYear : null,
        });
      }
      return { name: present(sr.city) ? String(sr.city) : '全体', overall: !present(sr.city), map };
    });
    // overall first
    series.sort((a, b) => Number(b.overall) - Number(a.overall));
    series.forEach((sr, i) => {
      const k = sr.overall ? 0 : (i - (series[0] && series[0].overall ? 1 : 0)) + 1;
      sr.color = SERIES_COLORS[sr.overall ? 0 : 1 + ((k - 1) % (SERIES_COLORS.length - 1))];
      sr.dash = SERIES_DASHES[sr.overall ? 0 : 1 + ((k - 1) % (SERIES_DASHES.length - 1))];
      sr.marker = sr.overall ? 'circle' : ['circle', 'square', 'diamond', 'triangle'][(k - 1) % 4];
    });
    let years = [];
    for (const sr of series) years.push(...sr.map.keys());
    years = [...new Set(years)].sort((a, b) => a - b);
    if (years.length && years[years.length - 1] - years[0] <= 60) {
      const full = [];
      for (let y = years[0]; y <= years[years.length - 1]; y++) full.push(y);
      years = full;
    }
    return { series, years };
  }

  function marker(kind, x, y, color) {
    const r = 4.5;
    if (kind === 'square') return s('rect', { x: x - r + 0.5, y: y - r + 0.5, width: 2 * r - 1, height: 2 * r - 1, fill: color, stroke: '#fff', 'stroke-width': 1.5 });
    if (kind === 'diamond') return s('path', { d: `M${x} ${y - r - 1}L${x + r + 1} ${y}L${x} ${y + r + 1}L${x - r - 1} ${y}Z`, fill: color, stroke: '#fff', 'stroke-width': 1.5 });
    if (kind === 'triangle') return s('path', { d: `M${x} ${y - r - 1}L${x + r + 1} ${y + r}L${x - r - 1} ${y + r}Z`, fill: color, stroke: '#fff', 'stroke-width': 1.5 });
    return s('circle', { cx: x, cy: y, r, fill: color, stroke: '#fff', 'stroke-width': 1.5 });
  }

  function trendChart({ series, years }, metric, st, width) {
    // Drawn at the on-screen width so that text keeps its real size.
    // (On a phone too: a wider drawing scaled down makes text unreadable.)
    const W = Math.max(280, Math.min(1400, Math.round(width || 1100)));
    const narrow = W < 520;
    const H = narrow ? 260 : W < 800 ? 320 : 360;
    const M = narrow ? { l: 44, r: 12, t: 30, b: 50 } : { l: 60, r: 24, t: 30, b: 54 };
    const pw = W - M.l - M.r;
    const ph = H - M.t - M.b;
    let max = 0;
    for (const sr of series) for (const p of sr.map.values()) max = Math.max(max, p[metric]);
    const ticks = niceTicks(max, 5);
    const top = ticks[ticks.length - 1] || 1;
    const band = pw / years.length;
    const x = (i) => M.l + band * (i + 0.5);
    const y = (v) => M.t + ph - (v / top) * ph;
    const unit = METRIC_UNITS[metric] || '箇所';
    // Year labels at least ~44px apart; values only where they fit.
    const labelEvery = Math.max(1, Math.ceil(years.length / Math.max(2, Math.floor(pw / 44))));
    const showValues = series.length <= 4 && years.length <= 30 && band >= 26;

    const svg = s('svg', {
      class: 'chart',
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-labelledby': 'trend-chart-title',
      preserveAspectRatio: 'xMidYMid meet',
    });
    svg.append(s('title', { id: 'trend-chart-title' },
      `「${st.q}」の年度別${METRIC_NAMES[metric] || '該当箇所数'}の折れ線グラフ（詳細は下の表を参照）`));

    // grid + y axis
    const grid = s('g', { class: 'chart__grid' });
    for (const t of ticks) {
      grid.append(
        s('line', { x1: M.l, x2: W - M.r, y1: y(t), y2: y(t), class: t === 0 ? 'chart__axis' : 'chart__gridline' }),
        s('text', { x: M.l - 10, y: y(t), class: 'chart__ylabel', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fmt(t)));
    }
    grid.append(s('text', { x: M.l - 10, y: M.t - 14, class: 'chart__unit', 'text-anchor': 'end' }, `（${unit}）`));
    svg.append(grid);

    // year hit-areas: links to the search filtered by that year
    const areas = s('g', { class: 'chart__years' });
    years.forEach((yr, i) => {
      const href = searchUrl({ ...readSearchState(new URLSearchParams()), q: st.q, city: st.city, year_from: String(yr), year_to: String(yr) });
      const parts = series.map((sr) => {
        const p = sr.map.get(yr);
        return `${sr.name} ${p ? fmt(p[metric]) : '—'}`;
      });
      const a = s('a', { href, class: 'chart__yearlink', 'aria-label': `${yr}年度（${parts.join('、')}）の検索結果を見る` },
        s('title', null, `${yr}年度：${parts.join('／')}\nクリックでこの年度の検索結果を表示`),
        s('rect', { x: M.l + band * i, y: M.t, width: band, height: ph, class: 'chart__yearrect' }),
        // Evenly spaced, counted back from the newest year (always labelled).
        (years.length - 1 - i) % labelEvery === 0
          ? s('text', { x: x(i), y: H - M.b + 20, class: 'chart__xlabel', 'text-anchor': 'middle' },
            s('tspan', { x: x(i) }, String(yr)),
            warekiShort(yr) ? s('tspan', { x: x(i), dy: '1.15em', class: 'chart__xlabel-era' }, `（${warekiShort(yr)}）`) : null)
          : null);
      areas.append(a);
    });
    svg.append(areas);
    svg.append(s('text', { x: W - M.r, y: H - 8, class: 'chart__unit', 'text-anchor': 'end' }, '（年度）'));

    // series (drawn above, not catching the pointer)
    const lines = s('g', { class: 'chart__series' });
    const valueLayer = s('g', { class: 'chart__values' });
    const labelsByYear = years.map(() => []);
    // Overall first (underneath): a city whose values equal the overall ones
    // (e.g. the only city of a year) stays visible on top of it.
    series.forEach((sr) => {
      let d = '';
      let pen = false;
      years.forEach((yr, i) => {
        const p = sr.map.get(yr);
        if (!p) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(p[metric]).toFixed(1)}`;
        pen = true;
      });
      const g = s('g', { class: sr.overall ? 'chart__line chart__line--overall' : 'chart__line' });
      if (d) g.append(s('path', { d, fill: 'none', stroke: sr.color, 'stroke-width': sr.overall ? 3 : 2.25, 'stroke-dasharray': sr.dash || null, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }));
      years.forEach((yr, i) => {
        const p = sr.map.get(yr);
        if (!p) return;
        g.append(marker(sr.marker, x(i), y(p[metric]), sr.color));
        if (showValues) labelsByYear[i].push({ y: y(p[metric]) - 10, text: fmt(p[metric]), color: sr.color });
      });
      lines.append(g);
    });
    // Value labels: one per distinct value (series with the same value share
    // it, in the text colour), above its point, pushed upwards so that they
    // never overlap each other or the points below them.
    labelsByYear.forEach((labels, i) => {
      const byText = new Map();
      for (const l of labels) {
        const prev = byText.get(l.text);
        if (prev) prev.color = '#1b1b1f';
        else byText.set(l.text, { ...l });
      }
      const distinct = [...byText.values()].sort((a, b) => b.y - a.y);
      let prev = Infinity;
      for (const l of distinct) {
        l.y = Math.min(l.y, prev - 14);
        prev = l.y;
        valueLayer.append(s('text', { x: x(i), y: l.y, class: 'chart__value', 'text-anchor': 'middle', fill: l.color }, l.text));
      }
    });
    svg.append(lines, valueLayer);
    return svg;
  }

  function legend(series) {
    return h('ul', { class: 'legend', 'aria-label': '凡例' }, series.map((sr) => {
      const sw = s('svg', { class: 'legend__swatch', viewBox: '0 0 36 12', width: 36, height: 12, 'aria-hidden': 'true' },
        s('line', { x1: 1, y1: 6, x2: 35, y2: 6, stroke: sr.color, 'stroke-width': sr.overall ? 3 : 2.25, 'stroke-dasharray': sr.dash || null }),
        marker(sr.marker, 18, 6, sr.color));
      return h('li', { class: 'legend__item' }, sw, h('span', null, sr.name));
    }));
  }

  function trendTable({ series, years }, metric, st) {
    const other = metric === 'passages' ? 'documents' : 'passages';
    const otherUnit = metric === 'passages' ? '文書' : '箇所';
    const value = (p) => (metric === 'share' ? `${p.share}%` : fmt(p[metric]));
    return h('div', { class: 'table-wrap', role: 'region', 'aria-label': '年度別の数値', tabindex: '0' },
      h('table', { class: 'datatable', 'data-testid': 'trend-table' },
        h('caption', null, `年度別の${METRIC_NAMES[metric] || '該当箇所数'}（括弧内は${otherUnit === '文書' ? '文書数' : '該当箇所数'}）。「資料なし」はその年度の文書がないことを示します`),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, '年度'), series.map((sr) => h('th', { scope: 'col' }, sr.name)))),
        h('tbody', null, [...years].reverse().map((yr) => h('tr', null,
          h('th', { scope: 'row' },
            h('a', { href: searchUrl({ ...readSearchState(new URLSearchParams()), q: st.q, city: st.city, year_from: String(yr), year_to: String(yr) }) }, `${yr}年度${wareki(yr) ? `（${wareki(yr)}）` : ''}`)),
          series.map((sr) => {
            const p = sr.map.get(yr);
            return h('td', { class: 'num' }, p
              ? [value(p), h('span', { class: 'datatable__sub' }, `（${fmt(p[other])}${otherUnit}${p.inYear ? `／全${fmt(p.inYear)}文書` : ''}）`)]
              : h('span', { class: 'muted', title: 'この年度の文書は収録されていません', 'data-testid': 'trend-gap' }, '資料なし'));
          }))))));
  }

  function TrendView() {
    const req = requester();
    let seq = 0;

    async function onData(out, st) {
      const mySeq = ++seq;
      if (!present(st.q)) {
        req.abort();
        out.replaceChildren(h('div', { class: 'empty empty--intro' },
          h('h2', { class: 'empty__title' }, '推移を見たい語を入力してください'),
          h('p', null, '全体の推移に加えて、市区町村を選ぶとその市区町村ごとの推移も重ねて表示します。')));
        restoreScroll();
        return;
      }
      out.setAttribute('aria-busy', 'true');
      out.replaceChildren(loadingEl('集計しています…'));
      let data;
      try {
        data = await req.run('/api/trend', toParams({ q: st.q, city: st.city, ...st.filters }));
      } catch (e) {
        if (isAbort(e) || mySeq !== seq) return;
        out.removeAttribute('aria-busy');
        showError(e.message);
        out.replaceChildren(h('div', { class: 'empty' }, h('h2', { class: 'empty__title' }, '集計できませんでした')));
        return;
      }
      if (mySeq !== seq) return;
      out.removeAttribute('aria-busy');
      const ts = trendSeries(data);
      if (!ts.years.length) {
        out.replaceChildren(h('div', { class: 'empty', role: 'status' },
          h('h2', { class: 'empty__title' }, '該当なし'),
          h('p', null, `「${st.q}」を含む記載は見つかりませんでした。`)));
        restoreScroll();
        return;
      }
      const metricId = uid('metric');
      const metricSel = h('select', { id: metricId, class: 'select' },
        h('option', { value: 'passages' }, '該当箇所数'),
        h('option', { value: 'documents' }, '文書数'),
        h('option', { value: 'share' }, '言及した文書の割合'));
      metricSel.value = st.metric;
      metricSel.addEventListener('change', () => navigate(cityStateUrl('/trend', { ...st, metric: metricSel.value }), { replace: true, keepScroll: true }));
      out.replaceChildren(
        h('figure', { class: 'chartbox', 'data-testid': 'trend-chart' },
          h('div', { class: 'chartbox__head' },
            h('figcaption', { class: 'chartbox__caption' },
              `「${st.q}」の年度別の${METRIC_NAMES[st.metric] || '該当箇所数'}`),
            h('div', { class: 'sortbox' }, h('label', { for: metricId, class: 'sortbox__label' }, '指標'), metricSel)),
          legend(ts.series),
          h('div', { class: 'chartbox__svg' }, trendChart(ts, st.metric, st, out.clientWidth - 50)),
          h('p', { class: 'chartbox__note' }, '年度の位置をクリックすると、その年度に絞り込んだ検索結果を表示します。')),
        trendTable(ts, st.metric, st));
      restoreScroll();
    }

    const base = cityViewBase({
      path: '/trend',
      title: '推移',
      lead: '語が年度ごとにどれだけ現れるかを、全体と市区町村別に表示します。',
      legend: '重ねて表示する市区町村（任意）',
      buttonText: '表示',
      onData,
    });
    const destroy = base.destroy;
    base.destroy = () => {
      req.abort();
      destroy();
    };
    return base;
  }

  // ---------------------------------------------------------------------
  // View: not found
  // ---------------------------------------------------------------------
  function NotFoundView() {
    return {
      mount(root) {
        document.title = 'ページが見つかりません - プランサーチ';
        root.append(h('div', { class: 'empty' },
          h('h1', { class: 'empty__title', tabindex: '-1' }, 'ページが見つかりません'),
          h('p', null, 'URLをご確認ください。'),
          h('p', null, h('a', { href: '/' }, '検索ページへ'))));
      },
      focusOnEnter() {
        main.querySelector('h1').focus();
      },
    };
  }

  // ---------------------------------------------------------------------
  // 経年比較 (#13): a series, two years, new / continued / dropped, a
  // continued initiative side by side with the changed words marked; or
  // one initiative through the years (?section=ID).
  // URL: /changes?series=KEY&from=DOC&to=DOC | ?doc=DOC | ?section=SECTION
  // ---------------------------------------------------------------------
  function ChangesView() {
    const req = requester();
    let root = null;

    function mount(el, params) {
      root = el;
      document.title = '経年比較 - プランサーチ';
      root.replaceChildren(loadingEl('読み込んでいます…'));
      load(params);
    }

    function opsEl(ops, side) {
      return (ops || []).filter((o) => o.op === 'equal' || o.op === side).map((o) => {
        if (o.op === 'equal') return document.createTextNode(String(o.text));
        return h(o.op === 'delete' ? 'del' : 'ins', { class: `diff-${o.op}` }, String(o.text));
      });
    }

    async function sideBySide(box, from, to) {
      box.replaceChildren(loadingEl('本文を比較しています…'));
      try {
        const d = await api('/api/diff/sections', toParams({ from, to }));
        box.replaceChildren(h('div', { class: 'diff-pair', 'data-testid': 'diff-pair' },
          h('div', { class: 'diff-col' },
            h('h4', null, `${d.from.year || ''}年度: `, ...opsEl(d.title_ops, 'delete')),
            h('p', { class: 'diff-text', 'data-testid': 'diff-from' }, ...opsEl(d.ops, 'delete'))),
          h('div', { class: 'diff-col' },
            h('h4', null, `${d.to.year || ''}年度: `, ...opsEl(d.title_ops, 'insert')),
            h('p', { class: 'diff-text', 'data-testid': 'diff-to' }, ...opsEl(d.ops, 'insert')))));
      } catch (e) {
        if (!isAbort(e)) box.replaceChildren(h('p', { class: 'muted' }, e.message));
      }
    }

    async function load(params) {
      let list;
      try {
        if (present(params.get('section'))) return await history(params.get('section'));
        list = (await req.run('/api/series', null)).series || [];
      } catch (e) {
        if (isAbort(e)) return;
        showError(e.message);
        root.replaceChildren(h('p', null, '読み込めませんでした'));
        return;
      }
      const doc = params.get('doc');
      let s = list.find((x) => x.key === params.get('series')) ||
        list.find((x) => x.documents.some((d) => d.doc_id === doc)) || list[0];
      const head = h('h1', { class: 'view__title', tabindex: '-1' }, '経年比較');
      if (!s) {
        root.replaceChildren(head, h('p', { class: 'muted', 'data-testid': 'no-series' },
          '同じ市・部局・種類の文書が複数年度そろっているものがありません。'));
        return;
      }
      const docs = s.documents;
      let from = params.get('from');
      let to = params.get('to');
      if (!docs.some((d) => d.doc_id === to)) {
        const at = docs.findIndex((d) => d.doc_id === doc);
        to = docs[at > 0 ? at : docs.length - 1].doc_id;
      }
      if (!docs.some((d) => d.doc_id === from) || from === to) {
        const at = docs.findIndex((d) => d.doc_id === to);
        from = docs[Math.max(0, at - 1)].doc_id;
        if (from === to && docs.length > 1) from = docs[0].doc_id;
      }
      const seriesSel = h('select', { 'data-testid': 'series-select', 'aria-label': '系列' },
        ...list.map((x) => h('option', { value: x.key, selected: x.key === s.key },
          `${x.city}${x.department ? ' ' + x.department : ''}${x.doc_type ? ' ' + x.doc_type : ''}（${x.documents.map((d) => d.year).join('・')}）`)));
      const yearSel = (val, label, testid) => h('select', { 'data-testid': testid, 'aria-label': label },
        ...docs.map((d) => h('option', { value: d.doc_id, selected: d.doc_id === val }, `${d.year}年度`)));
      const fromSel = yearSel(from, '比較元の年度', 'from-year');
      const toSel = yearSel(to, '比較先の年度', 'to-year');
      const go = (series, f, t) => navigate(`/changes?${toParams({ series, from: f, to: t })}`);
      seriesSel.addEventListener('change', () => go(seriesSel.value, '', ''));
      fromSel.addEventListener('change', () => go(s.key, fromSel.value, toSel.value));
      toSel.addEventListener('change', () => go(s.key, fromSel.value, toSel.value));
      const body = h('div', { 'data-testid': 'changes-body' }, loadingEl('比較しています…'));
      root.replaceChildren(head,
        h('p', { class: 'changes__pick' }, seriesSel, ' ', fromSel, ' → ', toSel),
        body);
      let d;
      try {
        d = await api('/api/diff', toParams({ from, to }));
      } catch (e) {
        if (!isAbort(e)) body.replaceChildren(h('p', null, e.message));
        return;
      }
      const plain = (items, testid) => h('ul', { 'data-testid': testid },
        ...items.map((x) => h('li', null, h('a', { href: `/documents/${enc(x.section_id.split('-')[0])}#${enc(x.section_id)}` }, x.title || '(無題)'))));
      const cont = h('ul', { 'data-testid': 'continued' }, ...d.continued.map((c) => {
        const box = h('div', { class: 'diff-box' });
        const btn = h('button', { type: 'button', class: 'btn btn--secondary btn--small', 'data-testid': 'side-by-side' }, '並べて表示');
        btn.addEventListener('click', () => sideBySide(box, c.from_section_id, c.to_section_id));
        const renamed = c.from_title !== c.to_title;
        return h('li', { 'data-testid': 'continued-item' },
          h('span', null, c.to_title || '(無題)'),
          renamed ? h('span', { class: 'muted' }, `（旧: ${c.from_title}）`) : null,
          h('span', { class: 'muted' }, ` 類似度 ${Math.round(c.similarity * 100)}%`), ' ', btn, box);
      }));
      body.replaceChildren(
        h('h2', null, `新規（${d.new.length}）`), plain(d.new, 'new'),
        h('h2', null, `継続（${d.continued.length}）`), cont,
        h('h2', null, `廃止・終了（${d.dropped.length}）`), plain(d.dropped, 'dropped'));
    }

    async function history(sectionId) {
      const hd = await req.run(`/api/sections/${enc(sectionId)}/history`, null);
      const items = hd.entries.map((e) => h('li', { 'data-testid': 'history-item' },
        h('a', { href: `/documents/${enc(e.doc_id)}#${enc(e.section_id)}` }, `${e.year}年度: ${e.title}`)));
      root.replaceChildren(h('h1', { class: 'view__title', tabindex: '-1' }, 'この取り組みの経年変化'),
        items.length > 1 ? h('ol', { 'data-testid': 'history' }, ...items)
          : h('p', { class: 'muted', 'data-testid': 'history' }, '他の年度の文書に同じ取り組みは見つかりませんでした。'));
    }

    return {
      mount,
      update(params) { mount(root, params); },
      destroy() { req.abort(); },
      focusOnEnter() { const t = main.querySelector('h1'); if (t) t.focus(); },
    };
  }
  const FIGURE_KINDS = { target: '目標', result: '実績', amount: '金額', count: '数' };

  /**
   * Figures (targets, results, amounts) as a table, fetched when opened:
   * a document's (`doc_id`), or those of a search across cities and years.
   */
  function figuresPanel(docId, search) {
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
        box.replaceChildren(rows.length
          ? h('table', { class: 'figures-table' },
            h('thead', null, h('tr', null, across ? h('th', null, '市区町村・年度') : null, h('th', null, '種類'), h('th', null, '項目'), h('th', null, '数値'), h('th', null, '文'))),
            h('tbody', null, ...rows))
          : h('p', { class: 'muted' }, '数値は見つかりませんでした。'));
      } catch (e) {
        box.replaceChildren(h('p', { class: 'muted' }, e.message));
      }
    });
    return panel;
  }
  /** Ids of documents that belong to a series (fetched once per page load). */
  let seriesDocs = null;
  function seriesDocIds() {
    if (!seriesDocs) {
      seriesDocs = api('/api/series', null)
        .then((d) => new Set((d.series || []).flatMap((x) => x.documents.map((doc) => doc.doc_id))))
        .catch(() => { seriesDocs = null; return new Set(); });
    }
    return seriesDocs;
  }

  /** 「この取り組みの経年変化」 on a hit, shown once its document is known to be in a series. */
  function historyLink(hit) {
    const a = h('a', { class: 'btn btn--link', href: `/changes?section=${enc(hit.section_id || '')}`, 'data-testid': 'hit-history', hidden: true }, 'この取り組みの経年変化');
    seriesDocIds().then((ids) => { if (ids.has(hit.doc_id)) a.hidden = false; });
    return a;
  }
  // ---- end of 経年比較 view ----

  const VIEWS = {
    search: SearchView,
    document: DocumentView,
    compare: CompareView,
    trend: TrendView,
    changes: ChangesView,
    notfound: NotFoundView,
  };

  // Expose the sanitizer for tests / debugging (read-only, harmless).
  window.plansearch = Object.freeze({ safeSnippet, queryTerms });

  render();
})();
