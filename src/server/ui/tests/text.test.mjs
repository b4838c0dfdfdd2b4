// node --test src/server/ui/tests
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  documentFacets, fmt, present, segments, tookLabel, wareki, warekiShort, yearLabel, yearOption,
} from '../text.js';

test('present: blank and missing values are absent', () => {
  for (const v of [null, undefined, '', '  ']) assert.equal(present(v), false);
  for (const v of [0, '0', 'a', 2020]) assert.equal(present(v), true);
});

test('fmt groups digits and dashes non-numbers', () => {
  assert.equal(fmt(12345), '12,345');
  assert.equal(fmt('7'), '7');
  assert.equal(fmt('x'), '—');
});

test('tookLabel: under a second is not shown in figures', () => {
  assert.equal(tookLabel(3.2), '（1秒未満）');
  assert.equal(tookLabel(1530), '（1.5秒）');
});

test('wareki: era boundaries and 元年', () => {
  assert.equal(wareki(2019), '令和元');
  assert.equal(wareki(2023), '令和5');
  assert.equal(wareki(2018), '平成30');
  assert.equal(wareki(1989), '平成元');
  assert.equal(wareki(1988), '昭和63');
  assert.equal(wareki(1900), '');
  assert.equal(wareki('2020'), '令和2');
  assert.equal(wareki('abc'), '');
});

test('warekiShort and year labels', () => {
  assert.equal(warekiShort(2020), 'R2');
  assert.equal(warekiShort(2019), 'R1');
  assert.equal(warekiShort(2018), 'H30');
  assert.equal(warekiShort(1950), 'S25');
  assert.equal(warekiShort(1800), '');
  assert.equal(yearLabel(2020), '2020年度');
  assert.equal(yearLabel(''), '');
  assert.equal(yearOption('2020'), '2020（R2）');
  assert.equal(yearOption('1800'), '1800年度');
});

test('segments cuts at UTF-16 ranges', () => {
  const text = '令和2年度の防災訓練と防災計画';
  assert.deepEqual(segments(text, [[6, 8], [11, 13]]), [
    { text: '令和2年度の', mark: false },
    { text: '防災', mark: true },
    { text: '訓練と', mark: false },
    { text: '防災', mark: true },
    { text: '計画', mark: false },
  ]);
});

test('segments counts a character outside the BMP as two units (as the server does)', () => {
  const text = '𠮷野家の防災';
  // 𠮷 is a surrogate pair: 防災 starts at unit 5.
  assert.equal(text.indexOf('防災'), 5);
  assert.deepEqual(segments(text, [[5, 7]]).filter((x) => x.mark), [{ text: '防災', mark: true }]);
});

test('segments ignores bad ranges and never throws', () => {
  assert.deepEqual(segments('abc', null), [{ text: 'abc', mark: false }]);
  assert.deepEqual(segments('abc', [[2, 1], ['x', 2], [1]]), [{ text: 'abc', mark: false }]);
  assert.deepEqual(segments('abc', [[1, 2], [0, 3]]), [
    { text: 'a', mark: false }, { text: 'b', mark: true }, { text: 'c', mark: false },
  ]);
  assert.deepEqual(segments('abc', [[1, 99]]), [{ text: 'a', mark: false }, { text: 'bc', mark: true }]);
  assert.deepEqual(segments(null, [[0, 1]]), [{ text: '', mark: false }]);
});

test('documentFacets counts documents per value, most first', () => {
  const f = documentFacets([
    { city: 'A市', year: 2020 }, { city: 'B市', year: 2020 }, { city: 'A市', year: 2021 }, null, { city: ' ' },
  ]);
  assert.deepEqual(f.city, [{ value: 'A市', count: 2 }, { value: 'B市', count: 1 }]);
  assert.deepEqual(f.year, [{ value: '2020', count: 2 }, { value: '2021', count: 1 }]);
  assert.deepEqual(f.department, []);
});
