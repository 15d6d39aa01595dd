// Small DOM helpers shared by the app and the controls: element creation, text updates that
// skip unchanged values (state arrives 20 times a second), toasts, and number formatting.

// h('div', { class: 'x', 'data-testid': 'y', onclick }, child, 'text', ...)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'style') el.style.cssText = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      el.append(child instanceof Node ? child : String(child));
    }
  }
  return el;
}

export function setText(el, text) {
  const value = String(text ?? '');
  if (el.textContent !== value) el.textContent = value;
}

export function setHidden(el, hidden) {
  if (el.hidden !== hidden) el.hidden = hidden;
}

// A control the person cannot use now: `disabled` on form controls (they take no input at
// all), aria-disabled on the rest (their handlers check it with isDisabled()).
export function setDisabled(el, disabled) {
  if ('disabled' in el) {
    if (el.disabled !== disabled) el.disabled = disabled;
  } else if (el.getAttribute('aria-disabled') !== String(disabled)) {
    el.setAttribute('aria-disabled', String(disabled));
  }
}

export function isDisabled(el) {
  return el.disabled === true || el.getAttribute('aria-disabled') === 'true';
}

export function setStyle(el, property, value) {
  if (el.style.getPropertyValue(property) !== value) el.style.setProperty(property, value);
}

export function prefersReducedMotion() {
  return matchMedia('(prefers-reduced-motion: reduce)').matches;
}

// Replays a one-shot CSS animation class (a pulse on tap, a flash on "counted").
export function replayClass(el, className) {
  el.classList.remove(className);
  void el.offsetWidth; // restart the animation
  el.classList.add(className);
}

let toastTimer = 0;
export function toast(message, ms = 2600) {
  const el = document.getElementById('toast');
  if (!el) return;
  setText(el, message);
  el.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), ms);
}

export function formatNumber(n, digits = 0) {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

// 83000 -> "1:23"
export function formatCountdown(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function clamp01(v) {
  return Math.min(1, Math.max(0, v));
}
