// Council minutes on a hit: who speaks (name, role, agenda item), and the
// way from a question to its answers (「答弁を見る」) and back (「質問を見る」).

import { api } from './api.js';
import { h, showError, uid } from './dom.js';
import { present } from './text.js';
import { docUrl, enc } from './urls.js';

/** 「工藤英人（議員）」, or the role alone when the minutes name none. */
export function speakerLabel(speech) {
  if (!speech) return '';
  const name = present(speech.speaker) ? String(speech.speaker) : '';
  const role = present(speech.speaker_role) ? String(speech.speaker_role) : '';
  if (name && role) return `${name}（${role}）`;
  return name || role;
}

/** The speaker and agenda line of a speech's hit; null outside minutes. */
export function speechLine(hit) {
  const s = hit && hit.speech;
  if (!s) return null;
  const who = speakerLabel(s);
  return h('p', { class: 'hit__speech', 'data-testid': 'hit-speech' },
    who ? h('span', { class: 'hit__speaker', 'data-testid': 'hit-speaker' }, `発言者：${who}`) : null,
    present(s.agenda) ? h('span', { class: 'hit__agenda' }, `議題：${s.agenda}`) : null);
}

/**
 * 「答弁を見る」 under a question, 「質問を見る」 under an answer: a button and
 * a panel loading /api/sections/{id}/answers (or /question). Null for
 * other passages.
 */
export function exchangeToggle(hit) {
  const kind = hit && hit.speech && hit.speech.qa;
  if (kind !== 'question' && kind !== 'answer') return null;
  const question = kind === 'question';
  const label = question ? '答弁を見る' : '質問を見る';
  const panelId = uid('exchange');
  const button = h('button', {
    type: 'button',
    class: 'btn btn--link similar-toggle exchange-toggle',
    'aria-expanded': 'false',
    'aria-controls': panelId,
    'data-testid': question ? 'answers-toggle' : 'question-toggle',
  }, label);
  const panel = h('div', { id: panelId, class: 'similar exchange', hidden: true, 'aria-live': 'polite' });
  let loaded = false;
  button.addEventListener('click', async () => {
    const open = button.getAttribute('aria-expanded') === 'true';
    button.setAttribute('aria-expanded', open ? 'false' : 'true');
    panel.hidden = open;
    if (open || loaded) return;
    panel.replaceChildren(h('p', { class: 'loading loading--small' }, question ? '答弁を読み込んでいます…' : '質問を読み込んでいます…'));
    try {
      const path = `/api/sections/${enc(hit.section_id)}/${question ? 'answers' : 'question'}`;
      const data = await api(path, new URLSearchParams());
      const sections = Array.isArray(data.sections) ? data.sections : [];
      panel.replaceChildren(
        h('h4', { class: 'similar__heading' }, question ? 'この質問への答弁' : 'この答弁への質問'),
        h('ol', { class: 'similar__list exchange__list' }, sections.map((s) => h('li', { class: 'similar__item exchange__item' },
          h('a', { class: 'similar__title', href: docUrl(hit.doc_id, '', s.section_id) }, speakerLabel(s.speech) || String(s.title || '')),
          h('p', { class: 'exchange__text' }, String(s.text || ''))))));
      loaded = true;
    } catch (e) {
      panel.replaceChildren(h('p', { class: 'inline-error' }, question ? '答弁を読み込めませんでした。' : '質問を読み込めませんでした。'));
      showError(e.message);
    }
  });
  return { button, panel };
}
