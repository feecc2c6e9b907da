// Small DOM helpers shared by the pages: elements, tables, errors, forms with field-level messages, charts.
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';

/** el('div.card', {id: 'x'}, child, 'text', ...) */
export function el(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const node = document.createElement(tag || 'div');
  if (classes.length) node.className = classes.join(' ');
  if (attrs instanceof Node || typeof attrs !== 'object' || Array.isArray(attrs)) { children.unshift(attrs); attrs = {}; }
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else if (v !== false && v != null) node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** An enum value as people say it: pretty('BACKEND_CGROUP_V1', 'BACKEND_') is "cgroup v1". */
export function pretty(value, prefix = '') {
  if (value == null) return '';
  const s = String(value);
  return (prefix && s.startsWith(prefix) ? s.slice(prefix.length) : s).toLowerCase().replace(/_/g, ' ');
}

export const backend = b => pretty(b, 'BACKEND_').replace('cpu emulated', 'cpu-emulated');
export const num = v => (v === undefined || v === null || v === '' ? 0 : Number(v));
export function bytes(v) {
  const n = num(v);
  if (n >= 1 << 30) return (n / (1 << 30)).toFixed(2) + ' GiB';
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + ' MiB';
  if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + ' KiB';
  return n + ' B';
}
export const fixed = (v, digits = 1) => num(v).toFixed(digits);
export const time = ms => new Date(num(ms)).toLocaleTimeString();

/** A table of rows; columns are [heading, row => cell]. */
export function table(rows, columns, empty = 'none') {
  if (!rows || rows.length === 0) return el('p.empty', empty);
  return el('table', {},
    el('thead', {}, el('tr', {}, columns.map(([h]) => el('th', {}, h)))),
    el('tbody', {}, rows.map(r => el('tr', {}, columns.map(([, f]) => { const v = f(r); return el('td', {}, v instanceof Node ? v : String(v ?? '')); })))));
}

/** Replace the children of a node. */
export function fill(node, ...children) { node.replaceChildren(...children.flat().filter(c => c != null)); return node; }

/** What a failed call means, in words; a system that is down says so without taking the page with it. */
export function problem(error) {
  const down = error.code === 'UNAVAILABLE';
  const text = error.code === 'PERMISSION_DENIED' ? `Not allowed for your role: ${error.message}`
    : down ? `Unavailable: ${error.message}` : `${pretty(error.code)}: ${error.message}`;
  return el('p.error', { role: 'alert', 'data-code': error.code }, text);
}

/** A card with a heading whose body can be refilled. */
export function card(title, ...children) {
  const body = el('div.body', {}, ...children);
  const node = el('section.card', {}, el('h2', {}, title), body);
  node.body = body;
  return node;
}

/**
 * A form: fields are [name, label, {type, value, options, placeholder}]. On submit, `action(values)` runs with a
 * progress indicator; an INVALID_ARGUMENT answer puts each violation under the field it names.
 */
export function form(fields, submitLabel, action, { disabled = false, note } = {}) {
  const inputs = {};
  const messages = {};
  const status = el('span.status');
  const rows = fields.map(([name, label, opt = {}]) => {
    let input;
    if (opt.options) input = el('select', { name }, opt.options.map(o => el('option', { value: o, selected: o === opt.value }, o)));
    else if (opt.type === 'textarea') { input = el('textarea', { name, rows: opt.rows || 4 }); input.value = opt.value ?? ''; }
    else input = el('input', { name, type: opt.type || 'text', value: opt.value ?? '', placeholder: opt.placeholder || '' });
    inputs[name] = input;
    messages[name] = el('span.field-error', { 'data-field': name });
    return el('label', {}, el('span', {}, label), input, messages[name]);
  });
  const button = el('button', { type: 'submit', disabled }, submitLabel);
  const node = el('form.inline', {}, rows, button, status, note && el('span.note', {}, note));
  node.addEventListener('submit', async e => {
    e.preventDefault();
    Object.values(messages).forEach(m => { m.textContent = ''; });
    const values = Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value]));
    button.disabled = true;
    fill(status, el('span.spinner'), ' working…');
    try {
      await action(values);
      fill(status);
    } catch (err) {
      fill(status, problem(err));
      for (const v of err.violations || []) {
        const key = Object.keys(messages).find(k => v.field === k || v.field.startsWith(k + '.') || v.field.startsWith(k + '[')
          || snake(k) === v.field || v.field.startsWith(snake(k)));
        if (key) messages[key].textContent = `${v.field}: ${v.description}`;
      }
    } finally {
      button.disabled = disabled;
    }
  });
  return node;
}
const snake = s => s.replace(/[A-Z]/g, c => '_' + c.toLowerCase());

/**
 * A live time-series chart (uPlot): series are labels; x is wall-clock epoch seconds, or plain seconds with
 * xTime false; push(t, values, mark) appends a point and keeps the last
 * `keep`; a mark (e.g. a migration or a policy action) is drawn as a labelled vertical line.
 */
export function liveChart(title, series, { keep = 300, height = 220, xTime = true } = {}) {
  const holder = el('div.chart', { 'data-chart': title });
  const data = [[], ...series.map(() => [])];
  const marks = [];
  const colours = ['#2f6fde', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#e67700'];
  const markPlugin = {
    hooks: {
      draw: [u => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#c92a2a';
        ctx.fillStyle = '#c92a2a';
        ctx.font = `${11 * devicePixelRatio}px sans-serif`;
        for (const m of marks) {
          const x = u.valToPos(m.t, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
          ctx.fillText(m.label, x + 3, u.bbox.top + 12 * devicePixelRatio);
        }
        ctx.restore();
      }],
    },
  };
  const plot = new uPlot({
    title, width: 640, height,
    scales: { x: { time: xTime } },
    series: [xTime ? {} : { label: 'seconds' }, ...series.map((s, i) => ({ label: s, stroke: colours[i % colours.length], width: 2 }))],
    axes: [{}, {}],
    plugins: [markPlugin],
  }, data, holder);
  const resize = () => plot.setSize({ width: Math.max(320, holder.clientWidth || 640), height });
  requestAnimationFrame(resize);
  return {
    node: holder,
    points: () => data[0].length,
    marks: () => marks.length,
    push(t, values, mark) {
      data[0].push(t);
      values.forEach((v, i) => data[i + 1].push(v));
      if (data[0].length > keep) data.forEach(d => d.shift());
      if (mark) marks.push({ t, label: mark });
      plot.setData(data);
    },
    mark(t, label) { marks.push({ t, label }); plot.redraw(); },
    destroy() { plot.destroy(); },
  };
}

/** A bar chart of one value per category (uPlot with bars). */
export function barChart(title, categories, values, unit) {
  const holder = el('div.chart', { 'data-chart': title });
  const xs = categories.map((_, i) => i);
  const plot = new uPlot({
    title, width: 640, height: 240,
    // bars start at zero: a bar's height is its value, not its distance from the smallest one
    scales: { x: { time: false, range: [-0.5, categories.length - 0.5] }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
    series: [{}, { label: unit, stroke: '#2f6fde', fill: 'rgba(47,111,222,0.35)', paths: uPlot.paths.bars({ size: [0.6, 60] }), points: { show: false } }],
    axes: [{ values: (u, splits) => splits.map(i => categories[i] ?? ''), splits: () => xs }, {}],
  }, [xs, values], holder);
  requestAnimationFrame(() => plot.setSize({ width: Math.max(320, holder.clientWidth || 640), height: 240 }));
  return holder;
}

/**
 * A heat map as a table: rows × columns, each cell shaded by how far it is from its column's median, so the rank
 * that differs from its peers stands out whichever way it differs.
 */
export function heatmap(rowLabels, columns, cell) {
  const median = columns.map((_, c) => {
    const v = rowLabels.map((_, r) => cell(r, c)).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)];
  });
  return el('table.heatmap', {},
    el('thead', {}, el('tr', {}, el('th', {}, ''), columns.map(c => el('th', {}, c)))),
    el('tbody', {}, rowLabels.map((label, r) => el('tr', {}, el('th', {}, label), columns.map((_, c) => {
      const v = cell(r, c);
      const off = Math.min(1, (2 * Math.abs(v - median[c])) / Math.max(1e-9, Math.abs(median[c])));
      const colour = v >= median[c] ? '201,42,42' : '47,111,222';
      return el('td', { style: `background: rgba(${colour},${(0.04 + 0.8 * off).toFixed(2)})`, title: `${v.toFixed(1)} (column median ${median[c].toFixed(1)})` }, v.toFixed(0));
    })))));
}
