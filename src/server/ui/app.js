/* プランサーチ — web UI: ES modules, no build step, CSP-safe.
 *
 * Served by the Rust server (src/server/ui.rs: one table of the files,
 * compiled into the binary); index.html is served for the UI routes /,
 * /documents/{doc_id}, /compare, /trend and /changes.
 *
 * Modules:
 *  - text.js, urls.js, errors.js: pure helpers (tested with `node --test`,
 *    tests/ under this folder);
 *  - dom.js: building DOM from untrusted strings (textContent only; the
 *    server-marked snippets through safeSnippet());
 *  - api.js: the API client; router.js: navigation and the view of a URL;
 *  - components.js: parts shared by views; chart.js: the trend chart;
 *  - views/*.js: one module per page.
 *
 * Rules kept throughout: no inline styles/handlers (strict CSP): classes,
 * addEventListener and CSSOM (`el.style.x = …`) only; the URL carries the
 * whole state of every view; the UI never parses the query — the server
 * says what to mark.
 */

import { hideError, safeSnippet } from './dom.js';
import { mainEl, start } from './router.js';
import { ChangesView } from './views/changes.js';
import { CompareView } from './views/compare.js';
import { DocumentView } from './views/document.js';
import { NotFoundView } from './views/notfound.js';
import { SearchView } from './views/search.js';
import { TrendView } from './views/trend.js';

document.getElementById('error-close').addEventListener('click', hideError);

// "/" focuses the search box (when not typing somewhere else).
document.addEventListener('keydown', (e) => {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
  const t = e.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  const input = mainEl().querySelector('[data-testid="search-input"]');
  if (input) {
    e.preventDefault();
    input.focus();
    input.select();
  }
});

// Expose the sanitizer for tests / debugging (read-only, harmless).
window.plansearch = Object.freeze({ safeSnippet });

start({
  search: SearchView,
  document: DocumentView,
  compare: CompareView,
  trend: TrendView,
  changes: ChangesView,
  notfound: NotFoundView,
});
