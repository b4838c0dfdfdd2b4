// A path the UI does not know.

import { h } from '../dom.js';
import { mainEl } from '../router.js';

export function NotFoundView() {
  return {
    mount(root) {
      document.title = 'ページが見つかりません - プランサーチ';
      root.append(h('div', { class: 'empty' },
        h('h1', { class: 'empty__title', tabindex: '-1' }, 'ページが見つかりません'),
        h('p', null, 'URLをご確認ください。'),
        h('p', null, h('a', { href: '/' }, '検索ページへ'))));
    },
    focusOnEnter() {
      mainEl().querySelector('h1').focus();
    },
  };
}
