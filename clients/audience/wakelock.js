// Keeps the screen on during the show where the Screen Wake Lock API exists. The browser
// releases the lock whenever the page is hidden, so it is asked for again on return.

let sentinel = null;

async function acquire() {
  if (!('wakeLock' in navigator) || document.visibilityState !== 'visible' || sentinel) return;
  try {
    sentinel = await navigator.wakeLock.request('screen');
    sentinel.addEventListener('release', () => { sentinel = null; });
  } catch {
    // Refused (battery saver, no user gesture yet): try again on the next tap.
  }
}

export function keepScreenOn() {
  acquire();
  document.addEventListener('visibilitychange', acquire);
  document.addEventListener('pointerdown', acquire, { passive: true });
}
