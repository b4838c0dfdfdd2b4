// Router and navigation state: pushState navigation, the view of the
// current URL, scroll positions kept across back/forward.

import { hideError } from './dom.js';
import { APP_PATH, parseRoute, safeDecode } from './urls.js';

/** Navigation state shared with the views. */
export const nav = {
  /** The last search page shown (for 「検索結果に戻る」). */
  lastSearchUrl: null,
  /** The page navigated from (to go back in history instead). */
  previousUrl: null,
  /** True until the first view is on screen. */
  firstRender: true,
};

let pendingScroll = null;
let current = { name: null, view: null, key: null };
let views = {};

export const mainEl = () => document.getElementById('main');

function rememberScroll() {
  try {
    history.replaceState({ ...(history.state || {}), scrollY: window.scrollY }, '');
  } catch (_) { /* ignore */ }
}

/** Navigate inside the app (pushState) and render. */
export function navigate(url, opts = {}) {
  rememberScroll();
  nav.previousUrl = location.pathname + location.search;
  const same = url === location.pathname + location.search + location.hash;
  if (opts.replace || same) history.replaceState({}, '', url);
  else history.pushState({}, '', url);
  render({ scrollTop: !opts.keepScroll && !url.includes('#') });
}

/** Called by views once their content is on screen. */
export function restoreScroll() {
  if (pendingScroll !== null) {
    const y = pendingScroll;
    pendingScroll = null;
    window.scrollTo(0, y);
  } else if (location.hash) {
    scrollToHash();
  }
}

function scrollToHash() {
  if (!location.hash) return;
  const el = document.getElementById(safeDecode(location.hash.slice(1)));
  if (el && el.classList.contains('doc-section')) {
    el.scrollIntoView({ block: 'start' });
    el.classList.add('is-target');
    setTimeout(() => el.classList.remove('is-target'), 2200);
    const heading = el.querySelector('h2');
    if (heading) heading.focus({ preventScroll: true });
  }
}

function updateNav(name) {
  for (const a of document.querySelectorAll('.site-nav a[data-nav]')) {
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function render(opts = {}) {
  const route = parseRoute(location.pathname);
  const params = new URLSearchParams(location.search);
  const key = location.pathname + location.search;
  if (key === current.key && current.view) {
    // Only the hash changed (e.g. a table-of-contents link).
    pendingScroll = null;
    scrollToHash();
    return;
  }
  hideError();
  updateNav(route.name === 'document' ? 'search' : route.name);
  const sameView = current.view && current.name === route.name && current.view.update &&
    route.name !== 'document';
  if (opts.scrollTop && !location.hash) window.scrollTo(0, 0);
  if (sameView) {
    current.view.update(params, route);
  } else {
    if (current.view && current.view.destroy) current.view.destroy();
    const main = mainEl();
    main.replaceChildren();
    const view = views[route.name]();
    current.view = view;
    current.name = route.name;
    view.mount(main, params, route);
    if (!nav.firstRender && view.focusOnEnter) view.focusOnEnter();
  }
  current.key = key;
  nav.firstRender = false;
}

/** Starts the app: `viewsByName` maps route names to view factories. */
export function start(viewsByName) {
  views = viewsByName;
  if ('scrollRestoration' in history) history.scrollRestoration = 'manual';

  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest && e.target.closest('a');
    if (!a) return;
    const target = a.getAttribute('target');
    if ((target && target !== '_self') || a.hasAttribute('download')) return;
    const href = a.getAttribute('href');
    if (!href) return;
    let url;
    try {
      url = new URL(href, location.href);
    } catch (_) {
      return;
    }
    if (url.origin !== location.origin || !APP_PATH.test(url.pathname)) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) {
      // In-page anchor: let the browser scroll; popstate/hashchange handled below.
      return;
    }
    e.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });

  window.addEventListener('popstate', (e) => {
    pendingScroll = e.state && typeof e.state.scrollY === 'number' ? e.state.scrollY : null;
    render();
  });

  render();
}
