// The recap: what this participant co-created during the show, in words and small numbers
// (docs/protocol.md, "recap"). The daemon reads it from the show's journal for this phone's
// token alone; the page keeps the last one it got in localStorage, so it shows again on a
// later visit, even offline, until "Forget me" clears it.

import { h } from './ui.js';

// 83000 -> "1:23", 3723000 -> "1:02:03": show time, as "into the show".
export function formatShowTime(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

function percent(p) {
  if (!(p > 0)) return '0%';
  return p < 1 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

const RESULT_WORDS = {
  won: 'it won!',
  tied: 'it tied for first',
  lost: "it didn't win this time",
  vetoed: 'the artist went another way',
  open: 'the vote was still open',
};

// 10 -> "10 seconds", 150 -> "2 min 30 s"
export function formatDuration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return plural(s, 'second');
  return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : plural(s / 60, 'minute');
}

function item(testid, title, ...lines) {
  return h('li', { class: 'recap-item', 'data-testid': testid },
    h('h2', {}, title), ...lines.filter(Boolean).map((l) => h('p', {}, l)));
}

function inputsLine(inputs = {}) {
  const other = [
    inputs.xy ? plural(inputs.xy, 'move') + ' on the pad' : null,
    inputs.slider ? plural(inputs.slider, 'slider move') : null,
    inputs.shake ? plural(inputs.shake, 'shake') : null,
  ].filter(Boolean);
  return other.length ? `And ${other.join(', ')}.` : null;
}

// The recap's body for @recap (a found one), as elements; nothing here names anyone else.
export function recapItems(recap) {
  const items = [];
  const taps = recap.inputs?.tap ?? 0;
  const best = recap.moments?.[0];
  items.push(item('recap-taps', `You tapped ${plural(taps, 'time')}`,
    best ? `Your busiest moment: ${formatShowTime(best.t)} into the show, during “${best.cue}” `
      + `(${plural(best.taps, 'tap')} in ten seconds).` : null,
    inputsLine(recap.inputs)));
  const led = recap.zone_led;
  if (led && led.seconds > 0) {
    const when = (led.moments ?? []).map((m) => `${formatShowTime(m.t)} during “${m.cue}”`).join('; ');
    items.push(item('recap-zone', `${led.zone || 'Your zone'} led the crowd for ${formatDuration(led.seconds)}`,
      when ? `Tapping hardest of all the zones, with you in it: from ${when}.` : null));
  }
  for (const v of recap.votes ?? []) {
    items.push(item('recap-vote', v.question || 'The venue asked a question',
      `You picked ${v.choice ? `“${v.choice}”` : `option ${v.choice_index + 1}`} — ${RESULT_WORDS[v.result] ?? ''}`));
  }
  for (const w of recap.wall ?? []) {
    items.push(item('recap-wall', 'Your words on the big screen', `“${w.text}” at ${formatShowTime(w.t)}.`));
  }
  const share = recap.share ?? {};
  items.push(item('recap-share', 'Your share of the night',
    `${percent(share.inputs_pct)} of everything the crowd played (${(share.crowd_inputs ?? 0).toLocaleString()} taps and moves in all)`
      + (share.crowd_votes ? `, and ${percent(share.votes_pct)} of the ${plural(share.crowd_votes, 'vote')}.` : '.'),
    share.crowd_participants ? `${share.crowd_participants.toLocaleString()} phones played along.` : null));
  return items;
}

// "Saturday 6 December 2026", in the phone's own language and time zone.
export function showDate(recap) {
  if (!(recap.started_unix > 0)) return '';
  return new Date(recap.started_unix * 1000).toLocaleDateString(undefined,
    { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}
