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
