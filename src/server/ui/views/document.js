// The document page: metadata with sources, table of contents, passages
// with the words of the search marked where the server found them
// (/api/documents/{id}/marks: UTF-16 ranges per passage), 原本, figures.

import { api, isAbort, requester } from '../api.js';
import { figuresPanel, similarToggle } from '../components.js';
import { announce, h, loadingEl, markedText, showError, uid } from '../dom.js';
import { citation, copyButton } from '../keep.js';
import { mainEl, nav, restoreScroll } from '../router.js';
import { exchangeToggle, speechLine } from '../speech.js';
import { fmt, present, wareki, yearLabel } from '../text.js';
import { docUrl, enc, originalUrl, toParams } from '../urls.js';

const SOURCE_LABELS = { manifest: '目録', path: 'ファイル名', text: '本文から推定' };
const SOURCE_TITLES = {
  manifest: '文書の目録（manifest.csv）に記載された値です',
  path: 'ファイル名や保存フォルダの名前から判定した値です',
  text: '本文の記載から推定した値です。誤りを含む可能性があります',
};
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

export function DocumentView() {
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
   * What to mark for `q`, as the search engine matched it (typed words,
   * their other forms, synonyms): `{terms, related, total, sections}` of
   * /api/documents/{id}/marks. Marking is a nicety: null when it fails.
   */
  async function marksFor(id, q, signal) {
    try {
      return await api(`/api/documents/${enc(id)}/marks`, toParams({ q }), signal);
    } catch (e) {
      if (isAbort(e)) throw e;
      return null;
    }
  }

  async function load(id, q) {
    let doc;
    let marks;
    const ctrl = new AbortController();
    termsCtrl = ctrl;
    try {
      [doc, marks] = await Promise.all([
        req.run(`/api/documents/${enc(id)}`, null),
        present(q) ? marksFor(id, q, ctrl.signal) : null,
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
    draw(doc, q, marks);
    restoreScroll();
  }

  function backUrl(q) {
    if (nav.lastSearchUrl) return nav.lastSearchUrl;
    return present(q) ? `/?q=${enc(q)}` : '/';
  }

  /** Back to the results where the user left them: history.back() restores the scroll position. */
  function backLink(q) {
    const href = backUrl(q);
    const a = h('a', { href, 'data-testid': 'back-link' }, '← 検索結果に戻る');
    a.addEventListener('click', (e) => {
      if (nav.previousUrl === href && history.length > 1) {
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

  function draw(doc, q, marks) {
    const terms = marks && Array.isArray(marks.terms) ? marks.terms.filter(present).map(String) : [];
    // Forms marked on this page other than the typed words (synonyms,
    // other spellings…), as written in the document.
    const related = marks && Array.isArray(marks.related) ? marks.related.filter(present).map(String) : [];
    const markSections = marks && Array.isArray(marks.sections) ? marks.sections : [];
    const bySection = new Map(markSections.map((m) => [String(m.section_id), m]));
    const marksOf = (sec, i) => bySection.get(String(sec.section_id)) || markSections[i] || {};
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

    // 「p. 5（印刷 1）」: the physical page, and the number printed on it.
    const pageText = (sec, page) => {
      const labels = Array.isArray(sec.page_labels) ? sec.page_labels : [];
      const printed = labels.find((l) => l && l.page === page);
      return printed && String(printed.label) !== String(page) ? `p. ${page}（印刷 ${printed.label}）` : `p. ${page}`;
    };
    let totalMarks = 0;
    const tocItems = [];
    let lastPage = null;
    const sectionEls = sections.flatMap((sec, i) => {
      // A page boundary is marked where a passage starts on a new page.
      let pageMark = null;
      const breaks = Array.isArray(sec.page_breaks) ? sec.page_breaks : [];
      if (present(sec.page) && sec.page !== lastPage) {
        pageMark = h('p', { class: 'page-mark', 'data-testid': 'page-mark' },
          h('a', { href: originalUrl(doc.doc_id || '', sec.page), target: '_blank', rel: 'noopener' }, pageText(sec, sec.page)));
      } else if (present(sec.sheet) && sec.sheet !== lastPage) {
        lastPage = sec.sheet;
        pageMark = h('p', { class: 'page-mark', 'data-testid': 'page-mark' }, `シート「${sec.sheet}」`);
      }
      // The next passage continues on the page this one ends on.
      if (present(sec.page)) lastPage = breaks.length ? breaks[breaks.length - 1].page : sec.page;
      const sid = present(sec.section_id) ? String(sec.section_id) : `section-${i + 1}`;
      const headingId = uid('sec-h');
      const secTitle = present(sec.title) ? String(sec.title) : `セクション ${i + 1}`;
      const m = marksOf(sec, i);
      const frag = markedText(sec.text, m.text, sec.page_breaks, (page) =>
        h('a', { class: 'page-break', 'data-testid': 'page-break', href: originalUrl(doc.doc_id || '', page), target: '_blank', rel: 'noopener', title: `ここから ${page} ページ` }, pageText(sec, page)));
      const count = frag.querySelectorAll('mark').length;
      totalMarks += count;
      const { button, panel } = similarToggle(sec.section_id, '類似の取り組み(他市)');
      const exchange = exchangeToggle({ ...sec, doc_id: doc.doc_id });
      tocItems.push(h('li', { class: 'toc__item' },
        h('a', { href: `#${enc(sid)}`, class: 'toc__link' },
          h('span', { class: 'toc__text' }, secTitle),
          count ? h('span', { class: 'toc__count', title: `一致 ${count}件`, 'aria-label': `一致 ${count}件` }, String(count)) : null)));
      const sectionEl = h('section', { class: 'doc-section', id: sid, 'data-testid': 'doc-section', 'aria-labelledby': headingId },
        h('h2', { class: 'doc-section__title', id: headingId, tabindex: '-1' }, present(sec.title) ? markedText(secTitle, m.title) : secTitle),
        speechLine(sec),
        h('div', { class: 'doc-section__text' }, frag),
        h('div', { class: 'doc-section__actions' },
          exchange ? exchange.button : null,
          button,
          h('a', { class: 'btn btn--link', href: `/changes?section=${enc(sec.section_id || '')}`, 'data-testid': 'history-link' }, 'この取り組みの経年変化'),
          copyButton(h, () => citation({
            title, section: sec.title, city: doc.city, year: doc.year, page: sec.page,
            url: `${location.origin}${docUrl(doc.doc_id || '', '', sid)}`,
          }), announce, 'section-copy-link'),
          h('a', { class: 'btn btn--link', href: '#doc-top' }, 'ページの先頭へ')),
        exchange ? exchange.panel : null,
        panel);
      return pageMark ? [pageMark, sectionEl] : [sectionEl];
    });

    const toc = h('nav', { class: 'toc', 'aria-label': '目次' },
      h('h2', { class: 'toc__title' }, '目次'),
      tocItems.length ? h('ol', { class: 'toc__list' }, tocItems) : h('p', { class: 'muted' }, 'セクションはありません'));

    let highlightBar = null;
    if (terms.length) {
      const marksInfo = h('span', { class: 'hlbar__info' },
        '「', h('strong', null, terms.join('」「')), '」',
        related.length
          ? h('span', { class: 'hlbar__related', title: related.join('、') },
            `と関連する語（${related.slice(0, 6).join('、')}${related.length > 6 ? ' ほか' : ''}）`)
          : null,
        `を強調表示しています（${fmt(totalMarks)}箇所）`);
      const prevBtn = h('button', { type: 'button', class: 'btn btn--secondary btn--small', disabled: !totalMarks }, '前の一致');
      const nextBtn = h('button', { type: 'button', class: 'btn btn--secondary btn--small', disabled: !totalMarks }, '次の一致');
      // 「3 / 27」: where the reader is among the marks of the text.
      const counter = h('span', { class: 'doc-matchnav__count', 'data-testid': 'match-counter', 'aria-live': 'polite' },
        `– / ${fmt(totalMarks)}`);
      let idx = -1;
      const jump = (d) => {
        const marks = [...root.querySelectorAll('.doc-section__text mark')];
        if (!marks.length) return;
        if (idx >= 0 && marks[idx]) marks[idx].classList.remove('is-current');
        idx = (idx + d + marks.length) % marks.length;
        marks[idx].classList.add('is-current');
        marks[idx].scrollIntoView({ block: 'center' });
        counter.textContent = `${fmt(idx + 1)} / ${fmt(marks.length)}`;
        announce(`${marks.length}箇所中 ${idx + 1}箇所目`);
      };
      prevBtn.addEventListener('click', () => jump(-1));
      nextBtn.addEventListener('click', () => jump(1));
      highlightBar = h('div', { class: 'hlbar' }, marksInfo,
        h('span', { class: 'hlbar__tools doc-matchnav' }, prevBtn, counter, nextBtn,
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
            `原本を開く${present(doc.format) ? `（${String(doc.format).toUpperCase()}${present(doc.pages) ? `・${doc.pages}ページ` : ''}）` : ''}`),
          ' ',
          copyButton(h, () => citation({ title, city: doc.city, year: doc.year, url: `${location.origin}${docUrl(doc.doc_id, '', '')}` }), announce, 'doc-copy-link')) : null,
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
      if (h1 && document.activeElement === mainEl()) h1.focus({ preventScroll: true });
    }
  }

  return {
    mount,
    focusOnEnter() {
      mainEl().focus({ preventScroll: true });
    },
    destroy() {
      req.abort();
      if (termsCtrl) termsCtrl.abort();
    },
  };
}
