// The Report view: the post-show report of the show so far (docs/report.md), as the daemon builds
// it from the live journal (GET /console/report), built again on Refresh, drawn right here. The
// report is one self-contained HTML file with inline scripts, which the console's own
// Content-Security-Policy (script-src 'self') rightly will not run: the view takes the data out of
// the file and runs the same script and chart library from the daemon (GET /console/report/NAME),
// inside a shadow root so the report's style stays off the console's. The file itself is offered
// too, to keep. Without a journal the daemon says so, and so does the view.

import { $ } from './dom.js';

const PARTS = '/console/report/';
let fileUrl = null;		// the last report, as a blob: URL to save
let shadow = null;		// the report's own document fragment
let chartLibrary = null;	// uPlot, loaded once

function load(tag, attrs, parent) {
  return new Promise((resolve, reject) => {
    const e = document.createElement(tag);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    e.addEventListener('load', () => resolve(e));
    e.addEventListener('error', () => reject(new Error(`cannot load ${attrs.src || attrs.href}`)));
    parent.appendChild(e);
  });
}

// Draws the report's data (the JSON inside the file) into the view, with the report's own script.
async function draw(json) {
  const host = $('report-inline');
  if (!shadow) {
    shadow = host.attachShadow({ mode: 'open' });
    await Promise.all(['uplot.css', 'report.css'].map((name) =>
      load('link', { rel: 'stylesheet', href: PARTS + name }, shadow)));
  }
  chartLibrary = chartLibrary || load('script', { src: PARTS + 'uplot.js' }, document.head);
  await chartLibrary;
  shadow.querySelectorAll('#report, #report-data').forEach((e) => e.remove());
  const data = document.createElement('script');
  data.type = 'application/json';
  data.id = 'report-data';
  data.textContent = json;
  const main = document.createElement('main');
  main.id = 'report';
  main.dataset.testid = 'report';
  shadow.append(data, main);
  window.tuttiReportScope = shadow;
  // A script element runs once: each report gets a new one.
  document.querySelectorAll('script[data-report-script]').forEach((e) => e.remove());
  await load('script', { src: PARTS + 'report.js', 'data-report-script': '' }, document.head);
  host.dataset.ready = main.dataset.ready || 'false';
}

async function reportLoad() {
  const status = $('report-status');
  const link = $('report-download');
  status.textContent = 'Building the report from the journal…';
  link.hidden = true;
  $('report-inline').dataset.ready = 'false';
  try {
    const answer = await fetch('/console/report', { cache: 'no-store' });
    if (answer.ok && (answer.headers.get('content-type') || '').startsWith('text/html')) {
      const page = await answer.blob();
      const file = new DOMParser().parseFromString(await page.text(), 'text/html');
      const json = file.getElementById('report-data');
      if (!json) throw new Error(file.body.textContent.trim() || 'the report holds no data');
      if (fileUrl) URL.revokeObjectURL(fileUrl);
      fileUrl = URL.createObjectURL(page);
      const at = new Date();
      const stamp = at.toISOString().slice(0, 19).replace(/[-:T]/g, '');
      link.href = fileUrl;
      link.download = `report-${stamp}.html`;
      link.textContent = `Save the report as a file (${Math.round(page.size / 1024)} KB; it opens offline)`;
      link.hidden = false;
      await draw(json.textContent);
      status.textContent = `The report of the show so far, as of ${at.toLocaleTimeString()}.`;
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
