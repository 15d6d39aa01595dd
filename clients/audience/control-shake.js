// The shake control: turns the phone's motion into an energy from 0 to 1 and sends it while
// the phone shakes (throttled by inputs.js). Motion sensors need a secure (https) page and,
// on iOS, a permission asked from a tap; a "hold to shake" button works everywhere else.
// Shows the crowd's shake energy as a meter, and this phone's once it has shaken ("you –" before:
// an empty meter would read as a zero the person never sent).

import { h, setText, setStyle, setHidden, setDisabled, clamp01, formatNumber } from './ui.js';

const FULL_SCALE = 18; // m/s² of linear acceleration that counts as a full-energy shake
const SEND_THRESHOLD = 0.08;
const DECAY_PER_S = 2.5;

export function createShake(ctx) {
  const crowdFill = h('div', { class: 'meter-fill' });
  const myFill = h('div', { class: 'meter-fill meter-fill-me' });
  const crowdEnergy = h('b', { 'data-testid': 'crowd-shake' }, '0%');
  const myEnergy = h('b', { 'data-testid': 'my-shake' }, '–');
  const shakers = h('b', {}, '0');
  const hint = h('p', { class: 'hint' }, '');
  const enable = h('button', { type: 'button', class: 'secondary-button', hidden: true }, 'Enable motion');
  const holdButton = h('button', {
    type: 'button', class: 'shake-button', 'data-testid': 'shake-button',
    'aria-label': 'Shake: press and hold, or tap quickly',
  }, 'Hold to shake');
  const el = h('section', { class: 'panel panel-shake', 'aria-label': 'Shake' },
    h('h2', { class: 'panel-title' }, 'Shake'),
    h('div', { class: 'meter-row' }, h('span', {}, 'crowd'),
      h('div', { class: 'meter', role: 'img', 'aria-label': 'crowd shake energy' }, crowdFill), crowdEnergy),
    h('div', { class: 'meter-row' }, h('span', {}, 'you'),
      h('div', { class: 'meter', 'aria-hidden': 'true' }, myFill), myEnergy),
    h('p', { class: 'sub' }, shakers, ' phones shaking'),
    hint, enable, holdButton);

  let energy = 0; // this phone's, decays between motion events
  let shaken = false; // until then, the meter shows no value of this phone's
  let energyAt = performance.now();
  let gravity = null;
  let motionSeen = false;
  let holdTimer = 0;
  let holdStart = 0;

  function currentEnergy() {
    const now = performance.now();
    energy = Math.max(0, energy - ((now - energyAt) / 1000) * DECAY_PER_S);
    energyAt = now;
    return energy;
  }

  function feel(value) {
    if (holdButton.disabled) return; // the show is out of reach: no shake to send later
    currentEnergy();
    energy = Math.max(energy, clamp01(value));
    shaken = true;
    showMine();
    if (energy >= SEND_THRESHOLD) ctx.inputs.setLatest('shake', { energy: Math.round(energy * 1000) / 1000 });
  }

  function showMine() {
    if (!shaken) return;
    const level = currentEnergy();
    setStyle(myFill, '--level', level.toFixed(3));
    setText(myEnergy, `${formatNumber(level * 100)}%`);
  }

  function onMotion(event) {
    let a = event.acceleration;
    if (!a || !Number.isFinite(a.x)) {
      // Only acceleration with gravity: a slow low-pass estimates gravity, the rest is motion.
      const g = event.accelerationIncludingGravity;
      if (!g || !Number.isFinite(g.x)) return;
      gravity = gravity ? { x: 0.9 * gravity.x + 0.1 * g.x, y: 0.9 * gravity.y + 0.1 * g.y, z: 0.9 * gravity.z + 0.1 * g.z } : { ...g };
      a = { x: g.x - gravity.x, y: g.y - gravity.y, z: g.z - gravity.z };
    }
    if (!motionSeen) {
      motionSeen = true;
      setHidden(enable, true);
      setText(hint, 'Shake your phone!');
    }
    feel(Math.hypot(a.x, a.y, a.z || 0) / FULL_SCALE);
  }

  function listen() {
    window.addEventListener('devicemotion', onMotion);
  }

  if (!('DeviceMotionEvent' in window)) {
    setText(hint, 'No motion sensor here: hold the button instead.');
  } else if (!window.isSecureContext) {
    setText(hint, 'Motion sensors only work on a secure (https) page: hold the button instead.');
  } else if (typeof DeviceMotionEvent.requestPermission === 'function') {
    setText(hint, 'Allow motion to shake your phone, or hold the button.');
    setHidden(enable, false);
    listen(); // browsers that grant motion without asking start sending at once
    enable.addEventListener('click', async () => {
      try {
        if (await DeviceMotionEvent.requestPermission() === 'granted') {
          setHidden(enable, true);
          setText(hint, 'Shake your phone!');
        } else {
          setText(hint, 'Motion not allowed: hold the button instead.');
        }
      } catch {
        setText(hint, 'Motion unavailable: hold the button instead.');
      }
    });
  } else {
    setText(hint, 'Shake your phone, or hold the button.');
    listen();
  }

  // Holding builds energy up over a second; each quick tap gives a burst.
  function holdTick() {
    feel(Math.min(1, 0.45 + (performance.now() - holdStart) / 1500));
  }
  holdButton.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    holdButton.setPointerCapture(event.pointerId);
    holdButton.classList.add('holding');
    holdStart = performance.now();
    holdTick();
    clearInterval(holdTimer);
    holdTimer = setInterval(holdTick, 100);
  });
  const stopHold = () => {
    clearInterval(holdTimer);
    holdButton.classList.remove('holding');
  };
  holdButton.addEventListener('pointerup', stopHold);
  holdButton.addEventListener('pointercancel', stopHold);
  holdButton.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      feel(0.7);
    }
  });
  holdButton.addEventListener('contextmenu', (event) => event.preventDefault());

  return {
    el,
    update(state, { live = true } = {}) {
      if (!live && !holdButton.disabled) stopHold();
      setDisabled(holdButton, !live);
      setDisabled(enable, !live);
      const crowd = state.crowd?.shake;
      const level = clamp01(crowd?.energy ?? 0);
      setStyle(crowdFill, '--level', level.toFixed(3));
      setText(crowdEnergy, `${formatNumber(level * 100)}%`);
      setText(shakers, formatNumber(crowd?.n ?? 0));
      showMine();
    },
    destroy() {
      window.removeEventListener('devicemotion', onMotion);
      stopHold();
    },
  };
}
