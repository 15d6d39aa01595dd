// The post-show report's page (docs/report.md): reads the report's data from the
// #report-data element and draws it with the vendored uPlot (assets/vendor/uplot/).
// Runs in the report file itself, offline; it asks the network for nothing. The console's
// Report view runs it too, inside a shadow root it names in window.tuttiReportScope, so the
// report's style stays off the console's.
'use strict';

(function () {
  const scope = window.tuttiReportScope || document;
  const data = JSON.parse(scope.getElementById('report-data').textContent);
  const root = scope.getElementById('report');
  const palette = ['#1f5fbf', '#d0502a', '#2a9d4b', '#8a3fb5', '#c49000', '#118a8a', '#b8336a', '#555'];

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  const add = (parent, tag, attrs, text) => parent.appendChild(el(tag, attrs, text));

  function clock(s) {
    if (s === null || s === undefined || !isFinite(s)) return '–';
    s = Math.round(s);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(sec).padStart(2, '0');
  }
  const fmt = (v, digits = 1) => (v === null || v === undefined || !isFinite(v) ? '–' : Number(v).toFixed(digits));
  const pct = (v) => (v === null || v === undefined || !isFinite(v) ? '–' : (100 * v).toFixed(1) + ' %');

  function table(parent, head, rows) {
    const t = add(parent, 'table');
    const tr = add(t, 'tr');
    head.forEach((h) => add(tr, 'th', {}, h));
    rows.forEach((r) => {
      const row = add(t, 'tr');
      r.forEach((c) => add(row, 'td', typeof c === 'number' ? { class: 'n' } : {}, String(c)));
    });
    return t;
  }

  // Vertical lines at each cue's start, so every chart reads against the show's running order.
  const cueStarts = (data.cues || []).map((c) => c.start);
  const cueLines = {
    hooks: {
      draw: [(u) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = 'rgba(0,0,0,0.18)';
        ctx.setLineDash([4, 4]);
        for (const t of cueStarts) {
          const x = Math.round(u.valToPos(t, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };

  // One chart: @xs the show times, @series [{label, values, color?, stepped?}].
  function chart(parent, id, title, xs, series, opts = {}) {
    const box = add(parent, 'div', { class: 'chart', 'data-chart': id });
    const points = series.reduce((n, s) => n + s.values.filter((v) => v !== null && v !== undefined).length, 0);
    box.dataset.points = String(points);
    const width = Math.max(320, Math.min(1060, root.clientWidth - 12));
    const u = new uPlot({
      title,
      width,
      height: opts.height || 220,
      plugins: [cueLines],
      scales: { x: { time: false }, y: opts.y || {} },
      axes: [{ values: (_, ticks) => ticks.map(clock) }, { label: opts.unit || '', size: 60 }],
      series: [{ label: 'show time', value: (_, v) => clock(v) }].concat(series.map((s, i) => ({
        label: s.label,
        stroke: s.color || palette[i % palette.length],
        width: 1.5,
        paths: s.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
        points: { show: s.points || false },
        spanGaps: s.spanGaps || false,
      }))),
    }, [xs].concat(series.map((s) => s.values)), box);
    box.dataset.series = String(u.series.length - 1);
    return box;
  }

  function absent(parent, id, title, why) {
    const box = add(parent, 'div', { class: 'chart', 'data-chart': id, 'data-absent': why });
    add(box, 'h3', {}, title);
    add(box, 'p', { class: 'absent' }, why);
  }

  function section(title, note) {
    add(root, 'h2', {}, title);
    if (note) add(root, 'p', { class: 'note' }, note);
    return root;
  }

  const show = data.show;
  const m = data.metrics || { t: [] };
  const started = new Date(show.started_unix * 1000);

  // ---- the figures a production manager asks for first ----
  add(root, 'h1', {}, show.venue + ' \u2014 post-show report');
  add(root, 'p', { class: 'sub' }, (show.rehearsal ? 'Rehearsal' : 'Show') + ' of ' + started.toISOString().slice(0, 16).replace('T', ' ') +
      ' UTC, ' + clock(show.length_s) + ' of show' + (show.ended_unix === null ? ' (no clean end recorded: still running, or stopped by a crash)' : '') +
      '. Config ' + String(show.config_sha256).slice(0, 12) + '.');
  const figs = add(root, 'div', { class: 'figures', 'data-testid': 'figures' });
  const fig = (value, label, id) => {
    const f = add(figs, 'div', { class: 'figure', 'data-figure': id });
    add(f, 'b', {}, String(value));
    add(f, 'span', {}, label);
  };
  fig(show.participants_total, 'participants joined', 'participants_total');
  fig(m.peak_participants, 'most in the venue at once', 'peak_participants');
  fig(m.peak_active, 'most active at once', 'peak_active');
  fig(show.inputs_total, 'inputs', 'inputs_total');
  fig(show.votes_total, 'votes counted', 'votes_total');
  if (data.latency.measured_seconds) fig(fmt(data.latency.p99_ms_median_second, 1) + ' ms', 'input-to-state p99 (median second)', 'latency_p99');
  fig(fmt(data.latency.tick_ms_p99, 2) + ' ms', 'tick time p99 (slowest tick of each second)', 'tick_p99');
  fig((data.safety || []).length, 'safety events', 'safety');
  fig((data.alarms || []).length, 'alarms', 'alarms');
  fig((data.codestruction.moderation || []).length + (data.codestruction.console || []).length, 'moderation actions', 'moderation');

  // ---- participation ----
  section('Participation', 'Phones in the show and active (sent an input lately), once a second, from the journal\'s metrics. Dashed lines: cue starts.');
  chart(root, 'participation', 'Participants and active phones', m.t, [
    { label: 'participants', values: m.participants }, { label: 'active', values: m.active }], { unit: 'phones' });
  const zones = data.participation.zones || [];
  chart(root, 'zones', 'Participants per zone', data.participation.t,
    zones.map((z) => ({ label: z.name, values: z.present, stepped: true })), { unit: 'phones' });
  chart(root, 'inputs', 'Inputs per second', m.t, [{ label: 'inputs/s', values: m.inputs_per_s }], { unit: 'inputs/s' });

  // ---- cues ----
  section('Running order');
  table(root, ['cue', 'title', 'start', 'end', 'length'], (data.cues || []).map((c) =>
    [c.id, c.title, clock(c.start), clock(c.end), clock(c.end - c.start)]));

  // ---- polls ----
  section('Polls', 'Each option\'s votes as they came in (a participant\'s latest vote counts), and the outcome as the show counted it.');
  if (!data.polls.length) absent(root, 'polls', 'Polls', 'no poll opened in this show');
  data.polls.forEach((p) => {
    add(root, 'h3', { 'data-poll': p.id }, p.question + ' \u2014 ' + (p.winner >= 0 ? 'won by \u201c' + p.winner_option + '\u201d' : 'no votes'));
    chart(root, 'poll-' + p.id, 'Votes: ' + p.id, p.t.length ? p.t : [0],
      p.options.map((o, k) => ({ label: o, values: p.t.length ? p.running[k] : [0], stepped: true })), { unit: 'votes' });
    table(root, ['option', 'votes', 'share'], p.options.map((o, k) => [o, p.final[k], pct(p.total ? p.final[k] / p.total : null)])
      .concat([['total', p.total, ''], ['events', p.events.map((e) => clock(e.t) + ' ' + e.what).join(', '), '']]));
  });

  // ---- co-creation ----
  section('Co-creation share', 'For each cue and mapped parameter: the value the crowd asked for each second (recomputed from the journal\'s inputs through the mapping, before the engine\'s smoothing), against the artist\'s value and the range the venue allows. "Moved" is the largest distance from the artist\'s value, as a share of how far the crowd was allowed to move it.');
  if (!data.cocreation.length) absent(root, 'cocreation', 'Co-creation', 'no cue with crowd mappings ran in this show');
  data.cocreation.forEach((c) => {
    const id = 'cocreation-' + c.cue_id + '-' + c.mapping;
    if (!c.t.length) { absent(root, id, c.cue_id + ': ' + c.label, 'the cue did not run for a whole second'); return; }
    chart(root, id, c.cue_id + ': ' + c.label + (c.recomputed ? '' : ' (source not in the journal: artist\'s value shown)'), c.t, [
      { label: 'with the crowd', values: c.value },
      { label: 'artist', values: c.t.map(() => c.artist), color: '#222' },
      { label: 'mapping low', values: c.t.map(() => Math.max(Math.min(c.out_min, c.out_max), c.limit_lo)), color: '#bbb' },
      { label: 'mapping high', values: c.t.map(() => Math.min(Math.max(c.out_min, c.out_max), c.limit_hi)), color: '#bbb' },
    ], { unit: c.target });
  });
  if (data.cocreation.length) {
    table(root, ['cue', 'parameter', 'artist', 'crowd share', 'crowd min', 'mean', 'max', 'moved'], data.cocreation.map((c) =>
      [c.cue_id, c.label, fmt(c.artist, 2), pct(c.crowd_share), fmt(c.min, 2), fmt(c.mean, 2), fmt(c.max, 2), pct(c.moved_of_reach)]));
  }

  // ---- fairness ----
  const fair = data.fairness;
  section('Influence fairness', 'The largest share of an aggregate\'s inputs that one participant sent, each second with at least ' +
    fair.min_inputs + ' inputs of that kind. The rate limits bound it; for votes, each participant has one vote.');
  const fairKinds = Object.keys(fair.max_share);
  if (fairKinds.length) {
    chart(root, 'fairness', 'Largest single-participant share per second', fair.t,
      fairKinds.map((k) => ({ label: k, values: fair.max_share[k], points: true })), { unit: 'share', y: { range: [0, 1] } });
  } else {
    absent(root, 'fairness', 'Influence fairness', 'the crowd sent no inputs in this show');
  }
  table(root, ['aggregate', 'inputs / votes', 'largest share', 'at'], fair.aggregates.map((a) =>
    [a.aggregate + (a.poll ? ' (' + a.poll + ')' : ''), a.inputs, pct(a.max_share_second), a.at !== undefined ? clock(a.at) : '']));

  // ---- co-destruction ----
  const cd = data.codestruction;
  section('Co-destruction', 'Phones that sent more than the venue\'s rate (' + fmt(cd.rate_limit, 0) +
    ' inputs in a second, burst included) and so were throttled, the moderation decisions, and the console\'s crowd commands.');
  chart(root, 'codestruction', 'Phones over the rate limit, and phones closed or removed', cd.t, [
    { label: 'phones over the rate', values: cd.over_rate, stepped: true },
    { label: 'closed for flooding or removed (so far)', values: cd.closed_or_removed, stepped: true }], { unit: 'phones' });
  const cdRows = [];
  if (cd.vote_block) cdRows.push(['largest block of identical votes in one second', cd.vote_block.votes + ' for \u201c' + cd.vote_block.option + '\u201d in ' + cd.vote_block.poll + ' at ' + clock(cd.vote_block.at)]);
  cdRows.push(['phones closed for flooding', cd.closed_for_flooding], ['participants removed by the venue', cd.removed]);
  if (cd.top_sender_share !== undefined) cdRows.push(['busiest participant\'s share of all inputs', pct(cd.top_sender_share)]);
  cd.moderation.forEach((e) => cdRows.push([clock(e.t) + ' moderation', e.text]));
  cd.console.forEach((e) => cdRows.push([clock(e.t) + ' console', e.command + (e.accepted ? '' : ' (refused)')]));
  table(root, ['what', ''], cdRows);

  // ---- latency ----
  const lat = data.latency;
  if (lat.measured_seconds) {
    section('Input-to-state latency', 'From a phone\'s input or vote reaching the daemon to the first state sent to that phone after it was applied ' +
      '(a vote\'s state also waits for the journal\'s commit), measured on every input; the percentiles of each second. The network\'s own delay comes on top.');
    chart(root, 'latency', 'Input-to-state latency per second', m.t, [{ label: 'p50 ms', values: lat.p50_ms },
      { label: 'p90 ms', values: lat.p90_ms }, { label: 'p99 ms', values: lat.p99_ms }], { unit: 'ms' });
    table(root, ['input-to-state', 'inputs measured', 'p50 (median second)', 'p99 (median second)', 'p99 (worst second)'],
      [['ms', lat.measured_inputs, fmt(lat.p50_ms_median_second, 1), fmt(lat.p99_ms_median_second, 1), fmt(lat.p99_ms_worst_second, 1)]]);
  } else {
    section('Input-to-state latency', 'No phone on a socket sent input (a rehearsal\'s simulated phones act inside the tick), so the bound is the tick\'s: ' +
      'an input is applied at the next tick and goes out with that tick\'s state, at most one tick period (' + fmt(lat.tick_period_ms, 1) + ' ms) plus that tick\'s time.');
    chart(root, 'latency', 'Slowest tick of each second', m.t, [{ label: 'tick max ms', values: m.tick_max_ms }], { unit: 'ms' });
  }
  table(root, ['tick time', 'p50', 'p90', 'p99', 'max', 'input-to-state at most (p99)'], [['ms', fmt(lat.tick_ms_p50, 2), fmt(lat.tick_ms_p90, 2),
    fmt(lat.tick_ms_p99, 2), fmt(lat.tick_ms_max, 2), fmt(lat.tick_period_ms + lat.tick_ms_p99, 1)]]);

  // ---- safety ----
  section('Safety', 'The output ceiling and the fades, blackouts and freezes, as the safety module recorded them, and what the photosensitivity limiter held back on the stage screen each second.');
  const safety = data.safety || [];
  const end = show.length_s;
  const st = [0].concat(safety.map((e) => e.t), [end]);
  const flagAt = (bit) => [0].concat(safety.map((e) => (e.flags & bit ? 1 : 0)), [safety.length ? (safety[safety.length - 1].flags & bit ? 1 : 0) : 0]);
  chart(root, 'safety', 'Fade, blackout, freeze', st, [
    { label: 'fade to silence', values: flagAt(1), stepped: true }, { label: 'blackout', values: flagAt(2), stepped: true },
    { label: 'freeze', values: flagAt(4), stepped: true }], { unit: 'on', y: { range: [0, 1.2] } });
  const flash = data.flash;
  chart(root, 'flash', 'Stage screen cells the flash limiter held back', flash.t.length ? flash.t : [0], [
    { label: 'cells held', values: flash.t.length ? flash.cells_held : [0] },
    { label: 'cells with red removed', values: flash.t.length ? flash.red_dropped : [0] }], { unit: 'cells/s' });
  table(root, ['at', 'what'], safety.map((e) => [clock(e.t), e.text]).concat([
    ['whole show', flash.total_held + ' cell-frames held back and ' + flash.total_red_dropped + ' with red removed by the flash limiter']]));

  // ---- loudness ----
  const loud = data.loudness;
  section('Loudness', 'The output\'s loudness (EBU R 128 / ITU-R BS.1770): short-term and momentary LUFS, the integrated loudness so far, and the limiter\'s gain reduction.');
  if (!loud) {
    absent(root, 'loudness', 'Loudness', 'not recorded in this journal');
    absent(root, 'limiter', 'Limiter gain reduction', 'not recorded in this journal');
  } else {
    chart(root, 'loudness', 'Loudness', loud.t, [{ label: 'short-term LUFS', values: loud.short_term },
      { label: 'momentary LUFS', values: loud.momentary }, { label: 'integrated LUFS', values: loud.integrated }], { unit: 'LUFS' });
    chart(root, 'limiter', 'Limiter gain reduction and true peak', loud.t, [{ label: 'gain reduction dB', values: loud.limiter_gr_db },
      { label: 'true peak dBTP', values: loud.true_peak }], { unit: 'dB' });
  }

  // ---- alarms ----
  section('Alarms');
  const alarms = data.alarms || [];
  chart(root, 'alarms', 'Alarms raised so far', [0].concat(alarms.map((a) => a.t), [end]),
    [{ label: 'alarms', values: [0].concat(alarms.map((_, i) => i + 1), [alarms.length]), stepped: true }], { unit: 'alarms' });
  table(root, ['at', 'alarm'], alarms.map((a) => [clock(a.t), a.text]));

  root.dataset.ready = 'true';
})();
