// The Report view: the post-show report of the show so far (docs/report.md), as the daemon builds
// it from the live journal (GET /console/report), built again on Refresh. The page is one
// self-contained HTML file with inline scripts, which the console's own Content-Security-Policy
// (script-src 'self', no framing) rightly will not run here: the view hands it over as a file to
// open, exactly as `tutti report` writes it. Without a journal the daemon says so, and so does the view.

import { $ } from './dom.js';

let pageUrl = null;	// the last report, as a blob: URL to open

async function reportLoad() {
  const status = $('report-status');
  const link = $('report-download');
  status.textContent = 'Building the report from the journal…';
  link.hidden = true;
  try {
    const answer = await fetch('/console/report', { cache: 'no-store' });
    if (answer.ok && (answer.headers.get('content-type') || '').startsWith('text/html')) {
      const page = await answer.blob();
      if (pageUrl) URL.revokeObjectURL(pageUrl);
      pageUrl = URL.createObjectURL(page);
      const at = new Date();
      const stamp = at.toISOString().slice(0, 19).replace(/[-:T]/g, '');
      link.href = pageUrl;
      link.download = `report-${stamp}.html`;
      link.textContent = `Open the report (${Math.round(page.size / 1024)} KB, as of ${at.toLocaleTimeString()})`;
      link.hidden = false;
      status.textContent = 'The report of the show so far is ready: it opens in the browser, offline.';
      return;
    }
    let message = `HTTP ${answer.status}`;
    try { message = (await answer.json()).message || message; } catch { /* not JSON: the status says it */ }
    status.textContent = `No report: ${message}.`;
  } catch (error) {
    status.textContent = `No report: ${error.message}.`;
  }
}

export function reportViewInit() {
  $('report-open').addEventListener('click', () => {
    $('report-view').hidden = false;
    reportLoad();
  });
  $('report-refresh').addEventListener('click', reportLoad);
  $('report-close').addEventListener('click', () => { $('report-view').hidden = true; });
}
