// 経年比較 (#13): a series, two years, new / continued / dropped, a
// continued initiative side by side with the changed words marked; or
// one initiative through the years (?section=ID).
// URL: /changes?series=KEY&from=DOC&to=DOC | ?doc=DOC | ?section=SECTION

import { api, isAbort, requester } from '../api.js';
import { h, loadingEl, showError } from '../dom.js';
import { mainEl, navigate } from '../router.js';
import { present } from '../text.js';
import { enc, toParams } from '../urls.js';

export function ChangesView() {
  const req = requester();
  let root = null;

  function mount(el, params) {
    root = el;
    document.title = '経年比較 - プランサーチ';
    root.replaceChildren(loadingEl('読み込んでいます…'));
    load(params);
  }

  function pageHead() {
    return h('div', { class: 'page-head' },
      h('h1', { class: 'page-head__title', tabindex: '-1' }, '経年比較'),
      h('p', { class: 'page-head__lead' }, '同じ市区町村・部局の文書を年度間で比べ、新規・継続・終了した取り組みを示します。'));
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
    const inSeries = (x, id) => x.documents.some((d) => d.doc_id === id || (d.originals || []).some((o) => o.doc_id === id));
    // A document asked for is shown in its own series, never silently in
    // another city's: without one, the page says so.
    let s = list.find((x) => x.key === params.get('series')) ||
      (present(doc) ? list.find((x) => inSeries(x, doc)) : list[0]);
    const head = pageHead();
    const seriesSel = h('select', { class: 'select', 'data-testid': 'series-select', 'aria-label': '系列' },
      s ? null : h('option', { value: '', selected: true }, '比べる系列を選んでください'),
      ...list.map((x) => h('option', { value: x.key, selected: !!s && x.key === s.key },
        `${x.city}${x.department ? ' ' + x.department : ''}${x.doc_type ? ' ' + x.doc_type : ''}（${x.documents.map((d) => d.year).join('・')}）`)));
    seriesSel.addEventListener('change', () => { if (seriesSel.value) navigate(`/changes?${toParams({ series: seriesSel.value })}`); });
    if (!s) {
      root.replaceChildren(head, h('div', { class: 'empty', role: 'status', 'data-testid': 'no-series' },
        h('h2', { class: 'empty__title' }, present(doc) ? 'この文書には比べる年度がありません' : '比べられる系列がありません'),
        h('p', null, present(doc)
          ? '同じ市区町村・部局・種類の文書が他の年度に収録されていないため、経年比較できません。'
          : '同じ市・部局・種類の文書が複数年度そろっているものがありません。'),
        list.length ? h('p', { class: 'changes__pick' }, h('label', null, 'ほかの系列を見る：', seriesSel)) : null));
      return;
    }
    const docs = s.documents;
    let from = params.get('from');
    let to = params.get('to');
    const own = (id) => docs.find((d) => d.doc_id === id || (d.originals || []).some((o) => o.doc_id === id));
    if (own(to)) to = own(to).doc_id;
    if (own(from)) from = own(from).doc_id;
    if (!docs.some((d) => d.doc_id === to)) {
      const at = docs.findIndex((d) => d === own(doc));
      to = docs[at > 0 ? at : docs.length - 1].doc_id;
    }
    if (!docs.some((d) => d.doc_id === from) || from === to) {
      const at = docs.findIndex((d) => d.doc_id === to);
      from = docs[Math.max(0, at - 1)].doc_id;
      if (from === to && docs.length > 1) from = docs[0].doc_id;
    }
    const yearSel = (val, label, testid) => h('select', { class: 'select', 'data-testid': testid, 'aria-label': label },
      ...docs.map((d) => h('option', { value: d.doc_id, selected: d.doc_id === val }, `${d.year}年度`)));
    const fromSel = yearSel(from, '比較元の年度', 'from-year');
    const toSel = yearSel(to, '比較先の年度', 'to-year');
    const go = (series, f, t) => navigate(`/changes?${toParams({ series, from: f, to: t })}`);
    fromSel.addEventListener('change', () => go(s.key, fromSel.value, toSel.value));
    toSel.addEventListener('change', () => go(s.key, fromSel.value, toSel.value));
    const body = h('div', { 'data-testid': 'changes-body' }, loadingEl('比較しています…'));
    const originals = (id) => {
      const d = docs.find((x) => x.doc_id === id);
      const files = d && d.originals ? d.originals : [];
      return h('p', { class: 'changes__doc', 'data-testid': 'changes-originals' },
        h('a', { href: `/documents/${enc(id)}` }, `${d ? d.year : ''}年度 ${d ? d.title : ''}`),
        files.length ? h('span', { class: 'muted' }, ` 原本：`,
          ...files.map((o, i) => [i ? '・' : '', h('a', { href: `/api/documents/${enc(o.doc_id)}/original` }, `${String(o.format).toUpperCase()}（${o.file.split('/').pop()}）`)])) : null);
    };
    root.replaceChildren(head,
      h('div', { class: 'changes__form' },
        h('label', { class: 'changes__field changes__field--series' }, h('span', null, '系列'), seriesSel),
        h('label', { class: 'changes__field' }, h('span', null, '比較元'), fromSel),
        h('span', { class: 'changes__arrow', 'aria-hidden': 'true' }, '→'),
        h('label', { class: 'changes__field' }, h('span', null, '比較先'), toSel)),
      h('div', { class: 'changes__docs' }, originals(from), originals(to)),
      body);
    let d;
    try {
      d = await api('/api/diff', toParams({ from, to }));
    } catch (e) {
      if (!isAbort(e)) body.replaceChildren(h('p', null, e.message));
      return;
    }
    const plain = (items, testid) => h('ul', { class: 'changes__list', 'data-testid': testid },
      ...items.map((x) => h('li', null, h('a', { href: `/documents/${enc(x.section_id.split('-')[0])}#${enc(x.section_id)}` }, x.title || '(無題)'))));
    const cont = h('ul', { class: 'changes__list', 'data-testid': 'continued' }, ...d.continued.map((c) => {
      const box = h('div', { class: 'diff-box' });
      const btn = h('button', { type: 'button', class: 'btn btn--secondary btn--small', 'data-testid': 'side-by-side' }, '並べて表示');
      btn.addEventListener('click', () => sideBySide(box, c.from_section_id, c.to_section_id));
      const renamed = c.from_title !== c.to_title;
      return h('li', { 'data-testid': 'continued-item' },
        h('span', null, c.to_title || '(無題)'),
        renamed ? h('span', { class: 'muted' }, `（旧: ${c.from_title}）`) : null,
        h('span', { class: 'muted', title: '本文のうち変わらなかった文字の割合' }, ` 本文の類似度 ${Math.round(c.similarity * 100)}%`), ' ', btn, box);
    }));
    body.replaceChildren(
      h('section', { class: 'changes__group' }, h('h2', { class: 'changes__heading' }, `新規（${d.new.length}）`), plain(d.new, 'new')),
      h('section', { class: 'changes__group' }, h('h2', { class: 'changes__heading' }, `継続（${d.continued.length}）`), cont),
      h('section', { class: 'changes__group' }, h('h2', { class: 'changes__heading' }, `廃止・終了（${d.dropped.length}）`), plain(d.dropped, 'dropped')));
  }

  async function history(sectionId) {
    const hd = await req.run(`/api/sections/${enc(sectionId)}/history`, null);
    const items = hd.entries.map((e) => h('li', { 'data-testid': 'history-item' },
      h('a', { href: `/documents/${enc(e.doc_id)}#${enc(e.section_id)}` }, `${e.year}年度: ${e.title}`)));
    root.replaceChildren(h('div', { class: 'page-head' }, h('h1', { class: 'page-head__title', tabindex: '-1' }, 'この取り組みの経年変化')),
      items.length > 1 ? h('ol', { 'data-testid': 'history' }, ...items)
        : h('p', { class: 'muted', 'data-testid': 'history' }, '他の年度の文書に同じ取り組みは見つかりませんでした。'));
  }

  return {
    mount,
    update(params) { mount(root, params); },
    destroy() { req.abort(); },
    focusOnEnter() { const t = mainEl().querySelector('h1'); if (t) t.focus(); },
  };
}
