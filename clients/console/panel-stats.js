// The live numbers: crowd, zones, audio, stage and the daemon's network health.
import { $, dbfs, h } from './dom.js';

function statRows(live) {
  return [
    ['Participants', live.participants], ['Active (last 10 s)', live.active_10s],
    ['Taps/s', live.taps_per_s.toFixed(1)], ['Inputs/s', live.net.inputs_per_s.toFixed(1)],
    ['Controls', live.controls.join(', ') || 'none'],
    ...live.zones.map((z) => [`Zone ${z.name || z.id}`, `${z.participants} (${z.active_10s} active)`]),
    ['Audio', live.audio.lost ? `LOST: ${live.audio.error}` : live.audio.device],
    ['Audio load', live.audio.load < 0 ? 'no device' : `${(live.audio.load * 100).toFixed(1)} %  xruns ${live.audio.xruns}`],
    ['Audio levels', `in ${dbfs(live.audio.input_level)}, out peak ${live.audio.output_peak_dbfs.toFixed(1)} dBFS, `
      + `limiter ${live.audio.limiter_db.toFixed(1)} dB`],
    ['Stage', live.stage.running
      ? `${live.stage.p99_ms.toFixed(1)} ms p99, ${live.stage.renderer === 'gpu' ? 'GPU shaders' : 'software (no GL)'}`
      : 'off'],
    ['Connections', live.net.connections],
    ['Tick', `max ${live.net.tick_max_ms.toFixed(2)} ms, ${live.net.tick_overruns} overruns`],
    ['Broadcasts', `${live.net.broadcasts} (${live.net.state_bytes} B)`],
    ['Refused', Object.entries(live.net.rejected).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'],
  ];
}

// The stage output's loudness: null is silence. The true peak is marked when it is above the ceiling.
function loudnessMeters(loudness, ceilingDbfs) {
  const meters = [
    ['Momentary', loudness.momentary_lufs, 'LUFS'], ['Short-term', loudness.shortterm_lufs, 'LUFS'],
    ['Integrated', loudness.integrated_lufs, 'LUFS'], ['True peak', loudness.true_peak_dbtp, 'dBTP'],
  ];
  return meters.map(([label, value, unit]) => {
    const over = unit === 'dBTP' && value !== null && value > ceilingDbfs;
    return h('div', { class: 'meter', 'data-over': over ? 'true' : null }, [
      h('span', { class: 'meter-label' }, label),
      h('span', { class: 'meter-value' }, value === null ? 'silence' : value.toFixed(1)),
      h('span', { class: 'meter-unit' }, value === null ? '' : unit + (over ? ' over the ceiling' : '')),
    ]);
  });
}

export function statsPanelRender(live) {
  $('loudness').replaceChildren(...loudnessMeters(live.audio.loudness, live.safety.ceiling_dbfs));
  $('stats').replaceChildren(...statRows(live).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]));
}
