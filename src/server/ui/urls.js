// URLs and the state they carry: the URL holds the whole state of every
// view. Pure (URLSearchParams only): tested under `node --test`.

import { present } from './text.js';

export const enc = encodeURIComponent;

export const SORTS = [
  ['relevance', '関連度順'],
  ['year_desc', '新しい順'],
  ['year_asc', '古い順'],
];

/** Trend metrics; the first is the default. */
export const METRICS = ['passages', 'documents', 'share'];

/** Paths the UI renders itself (in-app links); the rest is left to the browser. */
export const APP_PATH = /^\/($|documents\/.+|compare\/?$|trend\/?$)/;

export function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch (_) {
    return s;
  }
}

/** Query parameters of an object: arrays repeat the key, empty values are left out. */
export function toParams(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) {
    if (Array.isArray(v)) v.filter(present).forEach((x) => p.append(k, String(x)));
    else if (present(v)) p.append(k, String(v));
  }
  return p;
}

export function withQuery(path, params) {
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function docUrl(docId, q, sectionId) {
  let url = `/documents/${enc(docId)}`;
  if (present(q)) url += `?q=${enc(q)}`;
  if (present(sectionId)) url += `#${enc(sectionId)}`;
  return url;
}

/** The original file of a document; a PDF opens at the passage's page. */
export function originalUrl(docId, page) {
  return `/api/documents/${enc(docId)}/original${present(page) ? `#page=${Number(page)}` : ''}`;
}

/** Which view a path shows. */
export function parseRoute(pathname) {
  const path = String(pathname || '/').replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'search' };
  if (path === '/compare') return { name: 'compare' };
  if (path === '/trend') return { name: 'trend' };
  if (path === '/changes') return { name: 'changes' };
  const m = path.match(/^\/documents\/(.+)$/);
  if (m) return { name: 'document', id: safeDecode(m[1]) };
  return { name: 'notfound' };
}

export function readSearchState(params) {
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
    // Council minutes: who speaks (speaker, role, 議員/執行部).
    speaker: params.get('speaker') || '',
    speaker_role: params.get('speaker_role') || '',
    speaker_group: params.get('speaker_group') || '',
    sort: SORTS.some(([v]) => v === sort) ? sort : 'relevance',
    page: Number.isInteger(page) && page > 0 ? page : 1,
    // Synonyms and readings are searched unless switched off (kept in the URL).
    synonyms: params.get('synonyms') !== 'false',
    readings: params.get('readings') !== 'false',
  };
}

/** `synonyms=false` / `readings=false` when switched off; nothing otherwise. */
export function expansionParams(st) {
  return {
    synonyms: st.synonyms === false ? 'false' : '',
    readings: st.readings === false ? 'false' : '',
  };
}

/** A blank search state with `patch` applied. */
export const searchState = (patch) => ({ ...readSearchState(new URLSearchParams()), ...patch });

export function searchUrl(st) {
  return withQuery('/', toParams({
    q: st.q,
    ...filterParams(st),
    sort: st.sort && st.sort !== 'relevance' ? st.sort : '',
    page: st.page > 1 ? st.page : '',
    ...expansionParams(st),
  }));
}

export function filterParams(st) {
  return {
    city: st.city,
    prefecture: st.prefecture,
    department: st.department,
    year_from: st.year_from,
    year_to: st.year_to,
    doc_type: st.doc_type,
    speaker: st.speaker,
    speaker_role: st.speaker_role,
    speaker_group: st.speaker_group,
  };
}

export const hasFilters = (st) => !!(st.city.length || st.prefecture || st.department.length ||
  st.year_from || st.year_to || st.doc_type || st.speaker || st.speaker_role || st.speaker_group);

/** State of the compare and trend pages. */
export function readCityState(params) {
  const metric = params.get('metric');
  return {
    q: params.get('q') || '',
    city: params.getAll('city').filter(present),
    filters: {
      prefecture: params.get('prefecture') || '',
      department: params.getAll('department').filter(present),
      year_from: params.get('year_from') || '',
      year_to: params.get('year_to') || '',
      doc_type: params.get('doc_type') || '',
      speaker: params.get('speaker') || '',
      speaker_role: params.get('speaker_role') || '',
      speaker_group: params.get('speaker_group') || '',
    },
    metric: METRICS.includes(metric) ? metric : METRICS[0],
  };
}

export function cityStateUrl(path, st) {
  return withQuery(path, toParams({
    q: st.q,
    city: st.city,
    ...st.filters,
    metric: st.metric !== METRICS[0] ? st.metric : '',
  }));
}
