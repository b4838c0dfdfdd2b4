// What staff read when the API refuses a request: one Japanese message per
// stable error code of the API's body `{"error": {"code", "message",
// "params"?}}`, filled in from `params`. Pure: tested under `node --test`.

const num = (v) => (Number.isFinite(Number(v)) ? Number(v).toLocaleString('ja-JP') : null);

/** Names of the request parameters, as the UI's forms call them. */
const PARAMETER_NAMES = {
  q: '検索語',
  city: '市区町村',
  prefecture: '都道府県',
  department: '部局',
  doc_type: '文書種別',
  year: '年度',
  year_from: '年度（から）',
  year_to: '年度（まで）',
  sort: '並び順',
  limit: '表示件数',
  offset: 'ページ',
  page: 'ページ',
  metric: '指標',
  prefix: '入力中の語',
  from: '比較元',
  to: '比較先',
  section: '取り組み',
  doc_id: '文書',
};

const paramName = (p) => {
  const key = p && p.parameter !== undefined ? String(p.parameter) : '';
  return PARAMETER_NAMES[key] || (key ? `「${key}」` : '条件');
};

const RETRY = 'しばらくしてから、もう一度お試しください。';

/**
 * code → (params) → message. Exactly the codes of the API's error list;
 * a function gets `params` (an object, possibly empty).
 */
export const ERROR_TEXTS = {
  // 400
  missing_query: () => '検索語を入力してください。',
  invalid_query: () => '検索語を解釈できませんでした。引用符（"）の閉じ忘れや、除外する語（-語）だけになっていないかを確認してください。',
  query_only_excludes: () => '除外する語（-語）だけでは検索できません。探したい語も入力してください（例：防災 -訓練）。',
  query_empty: () => '検索できる語がありません。別の語を入力してください。',
  too_many_terms: (p) => (num(p.terms) && num(p.max)
    ? `語の数が多すぎます（${num(p.terms)}語）。${num(p.max)}語以内にしてください。`
    : '語の数が多すぎます。語を減らしてください。'),
  invalid_parameter: (p) => `${paramName(p)}の指定に誤りがあります。条件をクリアして、もう一度お試しください。`,
  missing_parameter: (p) => `${paramName(p)}を指定してください。`,
  value_too_long: (p) => (num(p.max_chars)
    ? `${paramName(p)}が長すぎます。${num(p.max_chars)}文字以内にしてください。`
    : `${paramName(p)}が長すぎます。短くしてください。`),
  window_too_deep: (p) => `これより後のページは表示できません${num(p.max) ? `（先頭から${num(p.max)}件まで）` : ''}。条件を追加して絞り込んでください。`,
  too_many_cities: (p) => (num(p.max)
    ? `一度に比較できるのは${num(p.max)}市区町村までです。選ぶ市区町村を減らしてください。`
    : '選んだ市区町村が多すぎます。選ぶ市区町村を減らしてください。'),
  bad_request: () => '要求を処理できませんでした。入力や条件を見直して、もう一度お試しください。',
  // 401, 403
  unauthorized: () => 'この操作には管理者の認証が必要です。',
  bad_host: () => 'このサーバーには localhost のアドレスでアクセスしてください。',
  // 404, 405
  not_found: () => 'お探しのページやデータが見つかりませんでした。URLが誤っている可能性があります。',
  document_not_found: () => 'お探しの文書が見つかりませんでした。削除されたか、URLが誤っている可能性があります。',
  section_not_found: () => 'お探しの記載箇所が見つかりませんでした。文書が更新されたか、URLが誤っている可能性があります。',
  method_not_allowed: () => 'この操作はできません（許可されていない要求です）。',
  // 409
  no_archive: () => '文書フォルダが設定されていないため、索引を作り直せません。管理者に連絡してください。',
  reindex_running: () => '索引を作り直している最中です。終わってから、もう一度お試しください。',
  // 413, 414, 431
  payload_too_large: () => '送信したデータが大きすぎます。',
  uri_too_long: () => '検索条件が長すぎます。語や条件を減らしてください。',
  headers_too_large: () => '要求が大きすぎます。ブラウザのCookieを削除して、もう一度お試しください。',
  // 503, 500
  overloaded: () => `ただいま混み合っています。${RETRY}`,
  index_unavailable: () => `検索の索引を準備中です。${RETRY}`,
  internal: () => 'サーバーでエラーが発生しました。時間をおいて、もう一度お試しください。',
};

/**
 * The message for an error body: by `code` (and its `params`); an unknown
 * code shows the server's own message, or a generic one with the status.
 */
export function errorMessage(error, status) {
  const err = error && typeof error === 'object' ? error : {};
  const code = typeof err.code === 'string' ? err.code : '';
  const params = err.params && typeof err.params === 'object' ? err.params : {};
  if (Object.prototype.hasOwnProperty.call(ERROR_TEXTS, code)) return ERROR_TEXTS[code](params);
  const msg = typeof err.message === 'string' ? err.message.trim() : '';
  if (msg) return msg;
  return status ? `サーバーでエラーが発生しました（HTTP ${status}）。` : 'サーバーでエラーが発生しました。';
}

export const NETWORK_ERROR = 'サーバーに接続できませんでした。ネットワーク接続を確認して、もう一度お試しください。';
export const BAD_RESPONSE = 'サーバーから正しい応答を受け取れませんでした。';
