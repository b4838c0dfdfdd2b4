// DOM helpers. Every string from the API is untrusted: the DOM is built
// with createElement/textContent only; the one exception is a hit's
// `snippet` (server-marked HTML), which goes through safeSnippet() (text
// nodes + <mark> only). No inline styles or handlers (strict CSP).

import { segments } from './text.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function setProps(el, props) {
  if (!props) return;
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

export function append(el, kids) {
  for (const kid of kids) {
    if (kid === null || kid === undefined || kid === false) continue;
    if (Array.isArray(kid)) append(el, kid);
    else if (kid instanceof Node) el.appendChild(kid);
    else el.appendChild(document.createTextNode(String(kid)));
  }
  return el;
}

/** h('div', {class: 'x', text: '…'}, child, …) */
export function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  setProps(el, props);
  return append(el, kids);
}

/** Same for SVG elements. */
export function s(tag, props, ...kids) {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props);
  return append(el, kids);
}

let uidCounter = 0;
export const uid = (prefix) => `${prefix}-${++uidCounter}`;

export function debounce(fn, ms) {
  let t = 0;
  const d = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
  d.cancel = () => clearTimeout(t);
  return d;
}

/** Says `msg` to screen readers (the polite live region). */
export function announce(msg) {
  const live = document.getElementById('live');
  live.textContent = '';
  // A fresh text node makes screen readers re-read identical messages.
  setTimeout(() => { live.textContent = msg; }, 30);
}

export function showError(message) {
  document.getElementById('error-text').textContent = message || 'エラーが発生しました。';
  document.getElementById('error').hidden = false;
}

export function hideError() {
  document.getElementById('error').hidden = true;
  document.getElementById('error-text').textContent = '';
}

export function loadingEl(text) {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text || '読み込み中…');
}

/** Snippet sanitizer: keeps only text nodes and <mark> elements. */
export function safeSnippet(html) {
  const out = document.createDocumentFragment();
  if (html === null || html === undefined) return out;
  const tpl = document.createElement('template');
  // Attributes are never needed (only bare <mark> is kept); dropping them
  // before parsing means no event-handler attribute ever reaches the parser
  // (which would otherwise log CSP violations, although they stay inert).
  const stripped = String(html).replace(/<(\/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>/g, '<$1$2>');
  tpl.innerHTML = stripped; // inert: template content never runs/loads
  const DROP = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'noscript']);
  const copy = (src, dst) => {
    for (const node of src.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        dst.appendChild(document.createTextNode(node.data));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const name = node.localName;
        if (name === 'mark') copy(node, dst.appendChild(document.createElement('mark')));
        else if (!DROP.has(name)) copy(node, dst); // unwrap unknown elements, keep their text
      }
    }
  };
  copy(tpl.content, out);
  return out;
}

/** `text` with <mark> around the server's ranges (UTF-16 offsets), from text nodes. */
export function markedText(text, ranges, breaks, breakEl) {
  const frag = document.createDocumentFragment();
  // Page breaks inside the text (char offsets, ascending): `breakEl(page)`
  // is put where each falls, splitting a segment if need be.
  const cuts = Array.isArray(breaks) && breakEl ? breaks.filter((b) => b && Number.isInteger(b.at)) : [];
  let at = 0;
  let k = 0;
  for (const seg of segments(text, ranges)) {
    let rest = seg.text;
    while (k < cuts.length && cuts[k].at < at + rest.length) {
      const cut = Math.max(0, cuts[k].at - at);
      if (cut > 0) appendSeg(frag, rest.slice(0, cut), seg.mark);
      frag.appendChild(breakEl(cuts[k].page));
      at += cut;
      rest = rest.slice(cut);
      k += 1;
    }
    appendSeg(frag, rest, seg.mark);
    at += rest.length;
  }
  return frag;
}

function appendSeg(frag, text, mark) {
  if (mark && text) frag.appendChild(h('mark', null, text));
  else if (text) frag.appendChild(document.createTextNode(text));
}
