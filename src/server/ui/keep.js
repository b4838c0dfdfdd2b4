// Keeping and sharing (#26): CSV of a table, a citation of a hit or a
// document, saved searches with what is new since the last visit. The
// text functions are pure (tested under `node --test`); the DOM parts
// (download, clipboard, localStorage) are thin wrappers around them.

/** One CSV cell: quoted when it holds a comma, quote or line break; a
 * leading = + - @ is neutralised (spreadsheets would run it). */
export function csvCell(v) {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d[\d,.]*$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows (arrays of cells) → CSV text with a BOM (Excel reads it as UTF-8), CRLF lines. */
export function toCsv(rows) {
  return `\ufeff${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The rows of an HTML table as text (header rows first). */
export function tableRows(table) {
  return [...table.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent.trim()));
}

/** A link to a CSV of `rows()` (computed when clicked), named `name`. */
export function csvButton(h, label, name, rows, testid) {
  const a = h('a', { class: 'btn btn--secondary btn--small csv-button', href: '#', download: name, 'data-testid': testid || 'csv-export' }, label);
  a.addEventListener('click', () => {
    const blob = new Blob([toCsv(rows())], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    a.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });
  return a;
}

/**
 * A citation of a passage or document, as staff paste it into a memo:
 * 「title」（city year 年度、p. N）URL.
 */
export function citation({ title, section, city, year, page, url }) {
  const where = [city, year ? `${year}年度` : '', page ? `p. ${page}` : ''].filter(Boolean).join('、');
  const name = [title, section && section !== title ? section : ''].filter(Boolean).join(' — ');
  return `「${name || '（無題）'}」${where ? `（${where}）` : ''} ${url}`.trim();
}

/** Copies `text`; resolves to true when it worked. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // falls back below
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.className = 'visually-hidden';
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

/** A 「リンクをコピー」 button: copies `cite()`, then says so. */
export function copyButton(h, cite, announce, testid) {
  const b = h('button', { type: 'button', class: 'btn btn--link btn--small copy-link', 'data-testid': testid || 'copy-link', title: '題名・市区町村・年度・ページ・URL をコピーします' }, 'リンクをコピー');
  b.addEventListener('click', async () => {
    const text = cite();
    b.dataset.copied = text;
    const ok = await copyText(text);
    b.textContent = ok ? 'コピーしました' : 'コピーできませんでした';
    if (announce) announce(ok ? 'リンクをコピーしました' : 'リンクをコピーできませんでした');
    setTimeout(() => { b.textContent = 'リンクをコピー'; }, 2500);
  });
  return b;
}

// ------------------------------------------------------------ saved searches

export const SAVED_KEY = 'plansearch.saved.v1';
const MAX_SAVED = 50;

/** Saved searches from a storage value (bad JSON → none). */
export function parseSaved(raw) {
  try {
    const v = JSON.parse(raw || '[]');
    return Array.isArray(v) ? v.filter((x) => x && typeof x.url === 'string') : [];
  } catch {
    return [];
  }
}

/** `list` with `url` saved (seen now), most recent first, once. */
export function addSaved(list, { url, label }, now) {
  const rest = list.filter((x) => x.url !== url);
  return [{ url, label: label || url, saved: now, seen: now }, ...rest].slice(0, MAX_SAVED);
}

export function removeSaved(list, url) {
  return list.filter((x) => x.url !== url);
}

/** `list` with `url` marked seen at `now`. */
export function markSeen(list, url, now) {
  return list.map((x) => (x.url === url ? { ...x, seen: now } : x));
}

/** Hits added to the index after `since` (seconds): `indexed_at` of a hit. */
export function newSince(hits, since) {
  const t = Number(since) || 0;
  return (Array.isArray(hits) ? hits : []).filter((h) => Number(h.indexed_at) > t);
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function loadSaved() {
  const s = storage();
  return s ? parseSaved(s.getItem(SAVED_KEY)) : [];
}

export function storeSaved(list) {
  const s = storage();
  if (!s) return false;
  try {
    s.setItem(SAVED_KEY, JSON.stringify(list));
    return true;
  } catch {
    return false;
  }
}
