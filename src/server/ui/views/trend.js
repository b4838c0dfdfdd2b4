// The trend page: how often the query appears year by year, overall and
// per city, as a chart and a table.

import { METRIC_NAMES, legend, trendChart, trendSeries } from '../chart.js';
import { h, uid } from '../dom.js';
import { csvButton, tableRows } from '../keep.js';
import { navigate } from '../router.js';
import { fmt, wareki } from '../text.js';
import { cityStateUrl, searchState, searchUrl } from '../urls.js';
import { cityViewBase, noneFound } from './cityview.js';

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
          h('a', { href: searchUrl(searchState({ q: st.q, city: st.city, year_from: String(yr), year_to: String(yr) })) }, `${yr}年度${wareki(yr) ? `（${wareki(yr)}）` : ''}`)),
        series.map((sr) => {
          const p = sr.map.get(yr);
          return h('td', { class: 'num' }, p
            ? [value(p), h('span', { class: 'datatable__sub' }, `（${fmt(p[other])}${otherUnit}${p.inYear ? `／全${fmt(p.inYear)}文書` : ''}）`)]
            : h('span', { class: 'muted', title: 'この年度の文書は収録されていません', 'data-testid': 'trend-gap' }, '資料なし'));
        }))))));
}

function draw(out, st, data) {
  const ts = trendSeries(data);
  // Every year with documents is a point now: nothing found is all zeros.
  const found = ts.series.some((sr) => [...sr.map.values()].some((p) => p.passages > 0));
  if (!ts.years.length || !found) {
    out.replaceChildren(noneFound(`「${st.q}」を含む記載は見つかりませんでした。`));
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
  const table = out.querySelector('[data-testid=trend-table]');
  out.append(h('p', { class: 'table-tools' },
    csvButton(h, '表をCSVで保存', `推移_${st.q}.csv`, () => tableRows(table), 'trend-csv')));
}

export function TrendView() {
  return cityViewBase({
    path: '/trend',
    title: '推移',
    lead: '語が年度ごとにどれだけ現れるかを、全体と市区町村別に表示します。',
    legend: '重ねて表示する市区町村（任意）',
    buttonText: '表示',
    intro: ['推移を見たい語を入力してください', '全体の推移に加えて、市区町村を選ぶとその市区町村ごとの推移も重ねて表示します。'],
    endpoint: '/api/trend',
    params: {},
    loading: '集計しています…',
    failed: '集計できませんでした',
    draw,
  });
}
