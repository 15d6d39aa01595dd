// What the page says in each state of the show, in one place: the status pill, and the panel
// area when it has no controls to show. Every kind of empty panel area has its own words, so the
// page never says "your turn" when no turn is coming (the last cue, after the show).

export const STATUS_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  full: 'Venue full',
  removed: 'Removed',
  forgotten: 'Forgotten',
};

// The panel area with no controls, by kind (the idle element's data-kind).
export const IDLE = {
  before: {
    title: 'The show is about to begin',
    text: "Keep this page open: your controls appear here when it's your turn.",
  },
  between: {
    title: 'Sit back and enjoy this part',
    text: "Your controls come back here when it's your turn again.",
  },
  final: {
    title: "That's the show — thank you!",
    text: 'Thanks for playing along. You can close this page.',
  },
  listening: {
    title: 'The venue is listening',
    text: 'Your controls are paused for a moment. Stay with us.',
  },
  reconnecting: {
    title: 'Reconnecting to the show…',
    text: 'Keep this page open: it picks up again by itself.',
  },
  removed: {
    title: "You're no longer in the crowd",
    text: 'The venue removed this phone from the show. Enjoy the rest of it.',
  },
  forgotten: {
    title: "You've been forgotten",
    text: 'Tap "Join again" to play as someone new.',
  },
};

// The kind of empty panel area to show, or null for none. @status: the connection's (see
// connection.js); @state: the last state, or null before the first; @shown: panels on screen.
export function idleKind(status, state, shown) {
  if (status === 'removed' || status === 'forgotten') return status;
  if (!state) return null; // the cue title says "Joining the show…"
  const cue = state.cue ?? {};
  // The last cue, and after the show (the daemon gone): no turn is coming.
  if (cue.final && shown === 0) return 'final';
  if (status !== 'live') return shown > 0 ? null : 'reconnecting'; // with panels, the offline note says it
  if (state.frozen) return 'listening'; // above a closed poll's result, if one is shown
  if (shown > 0) return null;
  return cue.index === 0 ? 'before' : 'between';
}
