// Text helpers: presence, numbers, 和暦, highlight segments. Pure: no DOM,
// so they run (and are tested) under `node --test` as well.

export const present = (v) => v !== null && v !== undefined && String(v).trim() !== '';
export const fmt = (n) => (Number.isFinite(Number(n)) ? Number(n).toLocaleString('ja-JP') : '—');
/** Search time as staff read it: milliseconds are not worth "0.00秒". */
export const tookLabel = (ms) => (ms < 1000 ? '（1秒未満）' : `（${(ms / 1000).toFixed(1)}秒）`);

/** Japanese era name for a (fiscal) year, e.g. 2023 → 令和5. */
export function wareki(y) {
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
export function warekiShort(y) {
  const w = wareki(y);
  const letter = { 令和: 'R', 平成: 'H', 昭和: 'S' }[w.slice(0, 2)];
  return letter ? `${letter}${w.slice(2).replace('元', '1')}` : '';
}

/** 2020 → 2020年度; an empty value → ''. */
export const yearLabel = (y) => (present(y) ? `${y}年度` : '');

/** 2020 → 「2020（R2）」 for year selects. */
export const yearOption = (y) => `${y}${warekiShort(y) ? `（${warekiShort(y)}）` : '年度'}`;

/**
 * Cuts `text` at the server's mark ranges: `[start, end)` pairs in UTF-16
 * code units (what String#slice counts), sorted, not overlapping — as
 * `/api/documents/{id}/marks` returns them. Returns `[{text, mark}]`;
 * ranges out of bounds or out of order are ignored, never thrown on.
 */
export function segments(text, ranges) {
  const str = text === null || text === undefined ? '' : String(text);
  const out = [];
  let at = 0;
  for (const r of Array.isArray(ranges) ? ranges : []) {
    if (!Array.isArray(r) || r.length !== 2) continue;
    const s = Number(r[0]);
    const e = Math.min(Number(r[1]), str.length);
    if (!Number.isInteger(s) || !Number.isInteger(e) || s < at || e <= s) continue;
    if (s > at) out.push({ text: str.slice(at, s), mark: false });
    out.push({ text: str.slice(s, e), mark: true });
    at = e;
  }
  if (at < str.length || !out.length) out.push({ text: str.slice(at), mark: false });
  return out;
}

/** Facet counts (documents) of a list from /api/documents. */
export function documentFacets(docs) {
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
