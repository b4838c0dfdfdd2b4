import assert from 'node:assert/strict';
import { test } from 'node:test';

import { niceTicks, trendSeries } from '../chart.js';

test('niceTicks: steps of 1, 2, 5 × 10^n from 0 past the maximum', () => {
  assert.deepEqual(niceTicks(0, 5), [0, 1]);
  assert.deepEqual(niceTicks(3, 5), [0, 1, 2, 3]);
  assert.deepEqual(niceTicks(10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(47, 5), [0, 10, 20, 30, 40, 50]);
  assert.deepEqual(niceTicks(1234, 5), [0, 500, 1000, 1500]);
  for (const max of [1, 7, 99, 100, 101, 12345]) {
    const t = niceTicks(max, 5);
    assert.equal(t[0], 0);
    assert.ok(t[t.length - 1] >= max, `${max}: ${t}`);
    assert.ok(t.length <= 11, `${max}: ${t}`);
  }
});

test('trendSeries: overall first, years filled in, empty years are gaps', () => {
  const ts = trendSeries({
    series: [
      { city: 'A市', points: [{ year: 2018, passages: 2, documents: 1, documents_in_year: 2 }] },
      {
        city: null,
        points: [
          { year: 2018, passages: 5, documents: 2, documents_in_year: 4 },
          { year: 2019, passages: 0, documents: 0, documents_in_year: 0 },
          { year: 2020, passages: 1, documents: 1, documents_in_year: 3 },
        ],
      },
    ],
  });
  assert.deepEqual(ts.years, [2018, 2019, 2020]);
  assert.equal(ts.series[0].name, '全体');
  assert.equal(ts.series[0].overall, true);
  assert.equal(ts.series[1].name, 'A市');
  const overall = ts.series[0].map;
  assert.equal(overall.has(2019), false, 'a year without documents is a gap, not a zero');
  assert.deepEqual(overall.get(2018), { passages: 5, documents: 2, share: 50, inYear: 4 });
  assert.equal(overall.get(2020).share, 33.3);
  assert.notEqual(ts.series[0].color, ts.series[1].color);
});

test('trendSeries tolerates missing data', () => {
  assert.deepEqual(trendSeries({}).years, []);
  assert.deepEqual(trendSeries({ series: [{ points: [{ year: 'x' }] }] }).years, []);
});
