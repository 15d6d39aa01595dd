// Debian's Chromium for the browser tests, driven by playwright-core: never a downloaded
// browser. CHROMIUM overrides the path.

import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// The element a page marks with data-testid="@id".
export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

// Polls the element's trimmed text until @predicate accepts it, and returns it; after
// @timeoutMs fails saying @what, what the element showed, and the tail of @daemon's output.
export async function waitForText(page, id, predicate, what, daemon, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let text = null;
  for (;;) {
    text = await byTestId(page, id).first().textContent({ timeout: 1000 }).catch(() => null);
    if (text !== null && predicate(text.trim())) return text.trim();
    if (Date.now() > deadline) {
      throw new Error(`${what}: [data-testid=${id}] shows ${JSON.stringify(text)} after ${timeoutMs} ms\n` +
        `daemon output (tail):\n${daemon ? daemon.output().slice(-2000) : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// A phone-sized touch context (390x844), the size the phone tests screenshot.
// @options adds to (or overrides) the phone's context, e.g. { reducedMotion: 'reduce' }.
export function phoneContext(browser, options = {}) {
  return browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1,
    ...options });
}

// Closes @browser and stops @daemon, saying how the daemon ended when it was not cleanly.
export async function closeAll(browser, daemon) {
  await browser?.close().catch(() => {});
  if (daemon) {
    const code = await daemon.stop();
    if (code !== 0) console.error(`daemon exited with ${code}:\n${daemon.output()}`);
  }
}

// Taps the page's tap button @n times at a steady, human pace below the input rate.
export async function tapTimes(page, n, timeout = 10000) {
  const tapButton = byTestId(page, 'tap-button');
  await tapButton.waitFor({ state: 'visible', timeout });
  for (let i = 0; i < n; i += 1) {
    await tapButton.tap({ timeout });
    await page.waitForTimeout(150);
  }
}
