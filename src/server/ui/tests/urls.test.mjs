import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  cityStateUrl, docUrl, expansionParams, hasFilters, originalUrl, parseRoute, readCityState, readSearchState,
  safeDecode, searchState, searchUrl, toParams,
} from '../urls.js';

test('toParams repeats arrays and drops empty values', () => {
  assert.equal(toParams({ q: '防災', city: ['A市', '', 'B市'], year: '', page: 0 }).toString(),
    'q=%E9%98%B2%E7%81%BD&city=A%E5%B8%82&city=B%E5%B8%82&page=0');
});

test('search state round-trips through its URL', () => {
  const st = searchState({
    q: '子育て "支援"', city: ['札幌市', '旭川市'], department: ['保健福祉局'], year_from: '2019',
    year_to: '2021', doc_type: '部局運営方針', prefecture: '北海道', sort: 'year_desc', page: 3,
    speaker_role: '市長', speaker_group: '執行部',
  });
  const url = searchUrl(st);
  assert.ok(url.startsWith('/?'));
  assert.deepEqual(readSearchState(new URL(url, 'http://x').searchParams), st);
});

test('defaults are left out of the search URL and repaired when read', () => {
  assert.equal(searchUrl(searchState({ q: 'a' })), '/?q=a');
  assert.equal(searchUrl(searchState({})), '/');
  const st = readSearchState(new URLSearchParams('sort=bogus&page=-2&city=&city=A'));
  assert.equal(st.sort, 'relevance');
  assert.equal(st.page, 1);
  assert.deepEqual(st.city, ['A']);
  assert.equal(hasFilters(st), true);
  assert.equal(hasFilters(searchState({ q: 'x' })), false);
});

test('synonyms and readings switched off stay in the search URL', () => {
  const st = searchState({ q: '公民連携', synonyms: false });
  const url = searchUrl(st);
  assert.equal(url, '/?q=%E5%85%AC%E6%B0%91%E9%80%A3%E6%90%BA&synonyms=false');
  const back = readSearchState(new URL(url, 'http://x').searchParams);
  assert.equal(back.synonyms, false);
  assert.equal(back.readings, true);
  assert.deepEqual(expansionParams(back), { synonyms: 'false', readings: '' });
});

test('compare/trend state round-trips; the default metric is left out', () => {
  const st = readCityState(new URLSearchParams('q=DX&city=A&city=B&year_from=2020&metric=share'));
  assert.equal(st.metric, 'share');
  const back = readCityState(new URL(cityStateUrl('/trend', st), 'http://x').searchParams);
  assert.deepEqual(back, st);
  assert.equal(cityStateUrl('/compare', { ...st, metric: 'passages', city: [], filters: {} }), '/compare?q=DX');
  assert.equal(readCityState(new URLSearchParams('metric=nope')).metric, 'passages');
});

test('document and original URLs encode ids, queries and sections', () => {
  assert.equal(docUrl('ab/c', '防災', 's-1'), '/documents/ab%2Fc?q=%E9%98%B2%E7%81%BD#s-1');
  assert.equal(docUrl('abc', '', ''), '/documents/abc');
  assert.equal(originalUrl('abc', 12), '/api/documents/abc/original#page=12');
  assert.equal(originalUrl('abc', null), '/api/documents/abc/original');
});

test('parseRoute names the view of a path', () => {
  assert.deepEqual(parseRoute('/'), { name: 'search' });
  assert.deepEqual(parseRoute('/compare/'), { name: 'compare' });
  assert.deepEqual(parseRoute('/trend'), { name: 'trend' });
  assert.deepEqual(parseRoute('/changes'), { name: 'changes' });
  assert.deepEqual(parseRoute('/documents/a%2Fb'), { name: 'document', id: 'a/b' });
  assert.deepEqual(parseRoute('/nope'), { name: 'notfound' });
  assert.equal(safeDecode('%E0%A4%A'), '%E0%A4%A');
});
