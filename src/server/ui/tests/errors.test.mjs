import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ERROR_TEXTS, errorMessage } from '../errors.js';

/** The API's error codes (issue #14): every one has its own message. */
const CODES = [
  'missing_query', 'invalid_query', 'query_only_excludes', 'query_empty', 'too_many_terms',
  'invalid_parameter', 'missing_parameter', 'value_too_long', 'window_too_deep', 'too_many_cities',
  'bad_request', 'unauthorized', 'bad_host', 'not_found', 'document_not_found', 'section_not_found',
  'method_not_allowed', 'no_archive', 'reindex_running', 'payload_too_large', 'uri_too_long',
  'headers_too_large', 'overloaded', 'index_unavailable', 'internal',
];

test('exactly the codes of the API have a message', () => {
  assert.deepEqual(Object.keys(ERROR_TEXTS).sort(), [...CODES].sort());
});

test('every message is Japanese, whatever the params', () => {
  for (const code of CODES) {
    for (const params of [undefined, {}, { terms: 'x', max: null, parameter: 42 }]) {
      const m = errorMessage({ code, message: 'English text', params }, 400);
      assert.match(m, /[\u3040-\u30ff\u4e00-\u9fff]/u, `${code}: ${m}`);
      assert.doesNotMatch(m, /English text|undefined|null|NaN/, `${code}: ${m}`);
    }
  }
});

test('messages use their params', () => {
  assert.equal(errorMessage({ code: 'too_many_terms', params: { terms: 40, max: 32 } }, 400),
    '語の数が多すぎます（40語）。32語以内にしてください。');
  assert.equal(errorMessage({ code: 'value_too_long', params: { parameter: 'q', max_chars: 1000 } }, 400),
    '検索語が長すぎます。1,000文字以内にしてください。');
  assert.match(errorMessage({ code: 'invalid_parameter', params: { parameter: 'year_from' } }, 400), /^年度（から）の指定に誤り/);
  assert.match(errorMessage({ code: 'missing_parameter', params: { parameter: 'zzz' } }, 400), /^「zzz」を指定してください/);
  assert.match(errorMessage({ code: 'too_many_cities', params: { max: 8 } }, 400), /8市区町村まで/);
  assert.match(errorMessage({ code: 'window_too_deep', params: { max: 1000 } }, 400), /1,000件/);
});

test('the exclude-only query says what to do', () => {
  const m = errorMessage({ code: 'query_only_excludes', message: 'the query only excludes words' }, 400);
  assert.match(m, /除外する語（-語）だけでは検索できません/);
  // The older code of the same error also points at the cause.
  assert.match(errorMessage({ code: 'invalid_query', message: 'x' }, 400), /除外/);
});

test('an unknown code shows the server message, else a generic one with the status', () => {
  assert.equal(errorMessage({ code: 'new_code', message: '新しいエラー' }, 400), '新しいエラー');
  assert.equal(errorMessage({ code: 'new_code' }, 418), 'サーバーでエラーが発生しました（HTTP 418）。');
  assert.equal(errorMessage(null, 502), 'サーバーでエラーが発生しました（HTTP 502）。');
  assert.equal(errorMessage({ code: 'toString' }, 500), 'サーバーでエラーが発生しました（HTTP 500）。');
});
