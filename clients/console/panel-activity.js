// The activity feed: every console's commands, newest first, as "21:14:05 artist: GO → 5. Shake
// it" (a refusal with its reason). When the other role moves the cue, the top bar calls it out
// and its entry is highlighted, so the show caller never wonders why the show moved.
import { $, h, setText, timeOfDay } from './dom.js';

const CALLOUT_SHOWN_MS = 10000;
const FEED_MAX = 20;

// What each command did, in words: [when on (or no "on"), when off].
const WORDS = {
  'cue.go': ['GO →'], 'cue.back': ['Back →'], 'cue.jump': ['jump →'], 'cue.hold': ['hold the auto-follow of'],
  'cue.resume': ['resume the auto-follow of'], 'poll.open': ['open poll'], 'poll.close': ['close poll'],
  'poll.reveal': ['reveal poll'], 'poll.veto': ['veto poll'], 'poll.reset': ['reset poll'],
  'poll.hide': ['hide the counts of poll', 'show the counts of poll'], 'poll.create': ['ask'],
  'mix.set': ['set the mix of mapping'], 'artist.control': ['set'],
  'safety.fade': ['fade to silence', 'lift the fade'], 'safety.blackout': ['blackout', 'lift the blackout'],
  'safety.freeze': ['freeze the crowd', 'unfreeze the crowd'], 'safety.curfew': ['set the curfew'],
  'safety.ceiling': ['set the ceiling'], 'safety.flash_policy': ['set the flash limit'],
  'moderate.mute': ['mute', 'unmute'], 'moderate.kick': ['remove'], 'moderate.readmit': ['restore'],
  'moderate.approve': ['approve text'], 'moderate.reject': ['reject text'], 'moderate.take_down': ['take down text'],
  'alarm.ack': ['acknowledge alarm'],
};
const MOVES = new Set(['cue.go', 'cue.back', 'cue.jump']);
const ON_OFF = new Set(['on', 'off']);	// a switch's "what" is its state, which the words already say

let lastSeq = null;	// the newest entry seen; null: none yet since the link (re)opened
let calloutTimer = 0;

// The link opens anew: what the feed holds then is history, not news.
export function activityPanelReset() {
  lastSeq = null;
}

function describe(a, cues) {
  const [on, off] = WORDS[a.cmd] || [a.cmd];
  const verb = a.on === false && off ? off : on;
  const index = cues.findIndex((c) => c.id === a.what);
  const what = a.cmd.startsWith('cue.') && index >= 0 ? `${index + 1}. ${cues[index].title || a.what}` : a.what;
  return ON_OFF.has(what) ? verb : `${verb} ${what}`.trim();
}

function callout(text) {
  const el = $('callout');
  setText(el, text);
  el.hidden = false;
  clearTimeout(calloutTimer);
  calloutTimer = setTimeout(() => { el.hidden = true; }, CALLOUT_SHOWN_MS);
}

export function activityPanelRender(live, role) {
  const feed = $('activity');
  const newest = live.activity[0]?.seq ?? 0;
  // A daemon that restarted numbers its commands from 1 again.
  if (lastSeq === null || newest < lastSeq) { lastSeq = newest; feed.replaceChildren(); }
  const known = new Set([...feed.children].map((li) => Number(li.dataset.seq)));
  const fresh = live.activity.filter((a) => !known.has(a.seq)).reverse();	// oldest first
  for (const a of fresh) {
    const news = a.seq > lastSeq && a.role !== role && a.ok && MOVES.has(a.cmd);
    const words = describe(a, live.cues);
    const at = timeOfDay(new Date(Date.now() - a.ago_s * 1000));
    feed.prepend(h('li', { 'data-seq': a.seq, class: `${a.ok ? '' : 'refused'} ${news ? 'news' : ''}`.trim() },
      h('time', {}, at), ` ${a.role}: ${words}${a.ok ? '' : ` — refused (${a.code})`}`));
    if (news) callout(`${a.role === 'artist' ? 'The artist' : 'The operator'} moved the cue: ${words} (${at})`);
  }
  lastSeq = Math.max(lastSeq, newest);
  while (feed.children.length > FEED_MAX) feed.lastChild.remove();
}
