// The trend chart (SVG, drawn at its on-screen width) and its legend.
// The scales and series (niceTicks, trendSeries) are pure: tested under
// `node --test`.

import { h, s } from './dom.js';
import { fmt, present, warekiShort } from './text.js';
import { searchState, searchUrl } from './urls.js';

// Okabe–Ito palette (colour-blind safe) + dash patterns for the trend chart.
const SERIES_COLORS = ['#1b1b1f', '#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7a5c00'];
const SERIES_DASHES = ['', '', '7 4', '2 3', '10 3 2 3', '5 2', '1 2', '12 4'];

/** "Nice" y-axis ticks from 0 up to at least `max`, about `count` of them (steps of 1, 2, 5 × 10^n). */
export function niceTicks(max, count) {
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

export const METRIC_NAMES = { passages: '該当箇所数', documents: '文書数', share: '言及した文書の割合' };
export const METRIC_UNITS = { passages: '箇所', documents: '文書', share: '%' };

export function trendSeries(data) {
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

export function marker(kind, x, y, color) {
  const r = 4.5;
  if (kind === 'square') return s('rect', { x: x - r + 0.5, y: y - r + 0.5, width: 2 * r - 1, height: 2 * r - 1, fill: color, stroke: '#fff', 'stroke-width': 1.5 });
  if (kind === 'diamond') return s('path', { d: `M${x} ${y - r - 1}L${x + r + 1} ${y}L${x} ${y + r + 1}L${x - r - 1} ${y}Z`, fill: color, stroke: '#fff', 'stroke-width': 1.5 });
  if (kind === 'triangle') return s('path', { d: `M${x} ${y - r - 1}L${x + r + 1} ${y + r}L${x - r - 1} ${y + r}Z`, fill: color, stroke: '#fff', 'stroke-width': 1.5 });
  return s('circle', { cx: x, cy: y, r, fill: color, stroke: '#fff', 'stroke-width': 1.5 });
}

export function trendChart({ series, years }, metric, st, width) {
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
    const href = searchUrl(searchState({ q: st.q, city: st.city, year_from: String(yr), year_to: String(yr) }));
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

export function legend(series) {
  return h('ul', { class: 'legend', 'aria-label': '凡例' }, series.map((sr) => {
    const sw = s('svg', { class: 'legend__swatch', viewBox: '0 0 36 12', width: 36, height: 12, 'aria-hidden': 'true' },
      s('line', { x1: 1, y1: 6, x2: 35, y2: 6, stroke: sr.color, 'stroke-width': sr.overall ? 3 : 2.25, 'stroke-dasharray': sr.dash || null }),
      marker(sr.marker, 18, 6, sr.color));
    return h('li', { class: 'legend__item' }, sw, h('span', null, sr.name));
  }));
}
