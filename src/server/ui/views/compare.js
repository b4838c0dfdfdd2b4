// The compare page: the same query's passages, city by city, side by side.

import { hitTitleText, snippetEl } from '../components.js';
import { h } from '../dom.js';
import { csvButton } from '../keep.js';
import { fmt, present, yearLabel } from '../text.js';
import { docUrl, searchState, searchUrl } from '../urls.js';
import { cityViewBase, noneFound } from './cityview.js';

function draw(out, st, data) {
  const cities = Array.isArray(data.cities) ? data.cities : [];
  if (!cities.length) {
    out.replaceChildren(noneFound(`「${st.q}」を含む記載のある市区町村は見つかりませんでした。`));
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
          h('a', { href: searchUrl(searchState({ q: st.q, city: [String(c.city)] })) },
            `${cityName}の結果をすべて見る（${fmt(total)}件）`))
        : null);
  });
  // Every city in view: the columns wrap onto new rows instead of
  // scrolling sideways (a fifth city was out of sight at 1366 px).
  const grid = h('div', { class: `compare-grid compare-grid--${Math.min(cities.length, 4)}`, role: 'region', 'aria-label': '市区町村ごとの比較' }, cols);
  const rows = () => [['市区町村', '都道府県', '該当件数', '年度', '部局', '見出し', '文書名', 'リンク'],
    ...cities.flatMap((c) => {
      const hits = Array.isArray(c.hits) ? c.hits : [];
      const base = [present(c.city) ? String(c.city) : '', present(c.prefecture) ? String(c.prefecture) : '', String(Number(c.total) || 0)];
      return hits.length
        ? hits.map((hit) => [...base, present(hit.year) ? String(hit.year) : '', hit.department || '', hitTitleText(hit), hit.title || '',
          location.origin + docUrl(hit.doc_id, st.q, hit.section_id)])
        : [[...base, '', '', '', '', '']];
    })];
  out.replaceChildren(
    h('div', { class: 'cityview__summaryrow' },
      h('p', { class: 'cityview__summary' },
        `「${st.q}」について ${fmt(cities.length)} 市区町村の記載を比較しています`,
        st.city.length ? '' : '（該当件数の多い順）'),
      csvButton(h, '比較表をCSVで保存', `比較_${st.q}.csv`, rows, 'compare-csv')),
    grid);
}

export function CompareView() {
  return cityViewBase({
    path: '/compare',
    title: '比較',
    lead: '同じ語について、市区町村ごとの記載を横に並べて比べます。',
    legend: '比較する市区町村（選ばない場合は該当件数の多い市区町村）',
    buttonText: '比較',
    intro: ['比べたい語を入力してください', '市区町村を選ばない場合は、該当件数の多い市区町村を自動で並べます。'],
    endpoint: '/api/compare',
    params: { per_city: 3 },
    loading: '比較しています…',
    failed: '比較できませんでした',
    draw,
  });
}
