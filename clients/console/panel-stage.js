// The stage preview: a thumbnail of exactly what the stage screen shows (after the flash
// limiter), fetched from GET /console/stage.png about four times a second while the tab is
// visible, so the desk sees the screen. One request at a time; none while the tab is hidden or
// logged out. The picture is swapped in only once decoded, as a data: URL, because the
// console's Content-Security-Policy allows images from 'self' and data: only (a blob: URL would
// be refused). No stage screen, or no answer: words instead of a broken image. Blackout is said
// over the (black) picture, from the live view.
import { $, setText } from './dom.js';

const PERIOD_MS = 250;
let running = false;
let inFlight = false;
let timer = null;

function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function showWords(words) {
  $('stage-image').hidden = true;
  $('stage-status').hidden = false;
  setText($('stage-status'), words);
}

async function showPicture(url) {
  const next = new Image();
  next.src = url;
  await next.decode();	// swapped in whole: no half-drawn or broken frame
  $('stage-image').src = url;
  $('stage-image').hidden = false;
  $('stage-status').hidden = true;
}

async function fetchThumbnail() {
  const response = await fetch('/console/stage.png', { cache: 'no-store' });
  if (response.status === 404) throw new Error((await response.text()).trim() || 'no stage screen');
  if (!response.ok) throw new Error('no stage screen');
  return dataUrl(await response.blob());
}

function schedule() {
  clearTimeout(timer);
  timer = running && !document.hidden ? setTimeout(refresh, PERIOD_MS) : null;
}

async function refresh() {
  timer = null;
  if (inFlight || !running || document.hidden) return;
  inFlight = true;
  try {
    const url = await fetchThumbnail();
    if (running) await showPicture(url);
  } catch (error) {
    if (running) showWords(error.message === 'no picture yet' ? 'No picture yet…' : 'no stage screen');
  } finally {
    inFlight = false;
    schedule();
  }
}

export function stagePanelInit() {
  document.addEventListener('visibilitychange', () => { if (!document.hidden && !inFlight) refresh(); });
}

// The desk is shown: start fetching (the live view keeps coming while it is).
export function stagePanelStart() {
  if (running) return;
  running = true;
  refresh();
}

// Logged out: stop fetching, and forget the picture.
export function stagePanelStop() {
  running = false;
  clearTimeout(timer);
  timer = null;
  showWords('Waiting for the stage screen…');
}

export function stagePanelRender(live) {
  const blackout = Boolean(live.safety.blackout);
  $('stage-blackout').hidden = !blackout;
  $('stage-preview').classList.toggle('blackout', blackout);
  if (!live.stage.running) showWords('no stage screen');
}
