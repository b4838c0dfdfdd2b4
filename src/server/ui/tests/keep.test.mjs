// Keeping and sharing (#26): CSV cells, citations, saved searches.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  addSaved, citation, csvCell, markSeen, newSince, parseSaved, removeSaved, toCsv,
} from '../keep.js';

test('CSV cells are quoted when needed and never run as formulas', () => {
  assert.equal(csvCell('豊中市'), '豊中市');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('=1+1'), "'=1+1");
  assert.equal(csvCell('-12'), '-12');
  assert.equal(csvCell(null), '');
  assert.equal(toCsv([['年度', '該当'], [2021, 3]]), '\ufeff年度,該当\r\n2021,3\r\n');
});

test('a citation names the title, city, year, page and URL', () => {
  assert.equal(
    citation({ title: '令和6年度 予算書', section: '民生費', city: '架空市', year: 2024, page: 12, url: 'http://x/documents/ab#s' }),
    '「令和6年度 予算書 — 民生費」（架空市、2024年度、p. 12） http://x/documents/ab#s',
  );
  assert.equal(citation({ title: '方針', url: 'http://x/d' }), '「方針」 http://x/d');
});

test('saved searches: added once, most recent first, seen, removed', () => {
  let list = parseSaved('not json');
  assert.deepEqual(list, []);
  list = addSaved(list, { url: '/?q=a', label: 'a' }, 100);
  list = addSaved(list, { url: '/?q=b', label: 'b' }, 200);
  list = addSaved(list, { url: '/?q=a', label: 'a' }, 300);
  assert.deepEqual(list.map((x) => x.url), ['/?q=a', '/?q=b']);
  list = markSeen(list, '/?q=b', 400);
  assert.equal(list[1].seen, 400);
  assert.deepEqual(parseSaved(JSON.stringify(list)), list);
  assert.deepEqual(removeSaved(list, '/?q=a').map((x) => x.url), ['/?q=b']);
});

test('新着 are the hits indexed after the last visit', () => {
  const hits = [{ doc_id: 'a', indexed_at: 50 }, { doc_id: 'b', indexed_at: 150 }, { doc_id: 'c' }];
  assert.deepEqual(newSince(hits, 100).map((h) => h.doc_id), ['b']);
});
