/*
 * app.js -- the dateline page: plain JavaScript, no build step, no library.
 *
 * The whole state is in the URL (/?q=notre+dame&from=2019-04-01&view=timeline
 * &id=ARTICLE), so every screen can be shared and reloaded; render() draws the
 * screen for the current URL from the JSON API (SPEC section 5) and nothing
 * else.  Text from the archive is only ever inserted as text nodes (h() below),
 * never as HTML.  Offsets in article annotations are UTF-8 byte offsets, so the
 * article view slices the UTF-8 bytes, not the JavaScript string.
 */
'use strict';

const VIEWS = ['results', 'timeline', 'quotes', 'entities', 'stories'];
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/* h('a', {href: '/', class: 'x', onclick: f}, 'text', child...) -> element */
function h(tag, attrs, ...kids) {
  const svg = ['svg', 'rect', 'line', 'circle', 'text', 'g', 'title', 'path'].includes(tag);
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag)
                 : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

/* ------------------------------------------------------------------ state */

function state() {
  const p = new URLSearchParams(location.search);
  const s = {};
  for (const k of ['q', 'from', 'to', 'view', 'id', 'speaker', 'entity', 'story']) s[k] = p.get(k) || '';
  if (!VIEWS.includes(s.view)) s.view = 'results';
  return s;
}

function urlFor(s) {
  const p = new URLSearchParams();
  for (const k of ['q', 'from', 'to', 'view', 'id', 'speaker', 'entity', 'story']) {
    if (s[k] && !(k === 'view' && s[k] === 'results')) p.set(k, s[k]);
  }
  const qs = p.toString();
  return '/' + (qs ? '?' + qs : '');
}

function go(change, replace = false) {
  const s = Object.assign(state(), change);
  const url = urlFor(s);
  if (url !== location.pathname + location.search) {
    history[replace ? 'replaceState' : 'pushState'](null, '', url);
  }
  render();
}

/* a link that changes the state: a real href (open in a new tab works) */
function link(change, ...kids) {
  const s = Object.assign(state(), change);
  return h('a', {href: urlFor(s), onclick: (e) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button) return;
    e.preventDefault();
    go(change);
  }}, ...kids);
}

/* ---------------------------------------------------------------- fetching */

let inflight = null;

async function api(path, params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== '' && v !== undefined && v !== null) p.set(k, v);
  const url = '/api/' + path + (p.toString() ? '?' + p : '');
  const r = await fetch(url, {signal: inflight ? inflight.signal : undefined, headers: {Accept: 'application/json'}});
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) {
    const err = new Error((body && body.error) || ('HTTP ' + r.status));
    err.status = r.status;
    throw err;
  }
  return body;
}

/* ---------------------------------------------------------------- helpers */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dayNum(iso) { /* days since 1970-01-01 */
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return Math.floor(Date.UTC(y, m - 1, d) / 86400000);
}
function isoOf(day) { return new Date(day * 86400000).toISOString().slice(0, 10); }
function nice(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.split('-').map(Number);
  return (d ? d + ' ' : '') + (m ? MONTHS[m - 1] + ' ' : '') + y;
}
function plural(n, one, many) { return n + ' ' + (n === 1 ? one : (many || one + 's')); }

/* the plain words of a query, to mark in snippets and timeline lines */
function queryWords(q) {
  return (q.match(/"[^"]*"|\S+/g) || [])
    .filter((w) => w !== 'OR' && !w.startsWith('-'))
    .map((w) => w.replace(/^"|"$/g, '').toLowerCase())
    .flatMap((w) => w.split(/\s+/))
    .filter((w) => w.length > 1);
}

/* text with the query's words marked */
function marked(text, words) {
  text = String(text || '');
  if (!words.length) return [text];
  const esc = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp('(^|[^\\p{L}\\p{N}])(' + esc.join('|') + ')', 'giu');
  const out = [];
  let last = 0, m;
  while ((m = re.exec(text)) !== null) {
    const start = m.index + m[1].length;
    out.push(text.slice(last, start), h('mark', {}, m[2]));
    last = start + m[2].length;
    if (m[0].length === 0) re.lastIndex++;
  }
  out.push(text.slice(last));
  return out;
}

/* a search snippet: the engine marks matched words as [word] */
function snippet(text, words) {
  text = String(text || '');
  if (!/\[[^\[\]\n]{1,80}\]/.test(text)) return marked(text, words);
  const out = [];
  let last = 0;
  for (const m of text.matchAll(/\[([^\[\]\n]{1,80})\]/g)) {
    out.push(text.slice(last, m.index), h('mark', {}, m[1]));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

/* a heading for a hit without a stored title: the snippet's first words */
function untitled(hit) {
  const words = String(hit.snippet || '').replace(/[\[\]]/g, '').replace(/^\.\.\.|\.\.\.$/g, '')
    .trim().split(/\s+/).filter(Boolean);
  if (!words.length) return 'Article ' + hit.id;
  return (words.length > 12 ? words.slice(0, 12).join(' ') + '…' : words.join(' '))
    .replace(/^[a-z]/, (c) => c.toUpperCase());
}

function notice(msg, cls) { return h('div', {class: 'notice ' + (cls || '')}, msg); }

function errorCard(e, what) {
  if (e.status === 501) return h('div', {class: 'card error'}, h('strong', {}, what + ': '), 'this part of the archive is not built yet.');
  return h('div', {class: 'card error', role: 'alert'}, h('strong', {}, what + ' failed: '), e.message);
}

/* ------------------------------------------------------------------ charts */

/*
 * Mentions over time: counts per date -> bars per day, week or month
 * (whatever keeps the bars under ~120), an SVG drawn here.  Clicking a bar
 * narrows the date range to it.
 */
function mentionsChart(dates, label) {
  if (!dates.length) return null;
  const days = dates.map((d) => [dayNum(d.date), d.count]);
  let lo = Math.min(...days.map((d) => d[0])), hi = Math.max(...days.map((d) => d[0]));
  const span = hi - lo + 1;
  const unit = span <= 120 ? 'day' : span <= 840 ? 'week' : 'month';
  const key = (day) => {
    if (unit === 'day') return day;
    if (unit === 'week') return day - ((day + 3) % 7); /* Monday */
    const d = new Date(day * 86400000);
    return dayNum(d.toISOString().slice(0, 8) + '01');
  };
  const buckets = new Map();
  for (const [day, n] of days) buckets.set(key(day), (buckets.get(key(day)) || 0) + n);
  const keys = [];
  for (let k = key(lo); k <= hi;) {
    keys.push(k);
    if (unit === 'day') k += 1;
    else if (unit === 'week') k += 7;
    else { const d = new Date(k * 86400000); d.setUTCMonth(d.getUTCMonth() + 1); k = Math.floor(d / 86400000); }
  }
  const max = Math.max(1, ...buckets.values());
  const W = chartWidth(), H = W < 600 ? 110 : 150, pad = 26, bw = (W - 2 * pad) / keys.length;
  const svg = h('svg', {class: 'chart', viewBox: `0 0 ${W} ${H + 22}`, role: 'img', 'aria-label': label});
  svg.append(h('line', {class: 'axis', x1: pad, x2: W - pad, y1: H, y2: H}));
  svg.append(h('text', {x: 2, y: 12}, String(max)));
  const every = Math.max(1, Math.ceil(keys.length / Math.max(3, Math.floor(W / 110))));
  keys.forEach((k, i) => {
    const n = buckets.get(k) || 0;
    const bh = n ? Math.max(2, (H - 16) * n / max) : 0;
    const x = pad + i * bw;
    const endDay = i + 1 < keys.length ? keys[i + 1] - 1 : hi;
    const what = unit === 'day' ? nice(isoOf(k)) : unit === 'week' ? 'week of ' + nice(isoOf(k)) : nice(isoOf(k).slice(0, 7));
    if (n) {
      const bar = h('rect', {class: 'bar', x: x + bw * 0.1, y: H - bh, width: Math.max(1, bw * 0.8), height: bh,
        tabindex: 0, role: 'link', 'aria-label': `${what}: ${n}`,
        onclick: () => go({from: isoOf(Math.max(k, lo)), to: isoOf(endDay), view: 'results', id: ''}),
        onkeydown: (e) => { if (e.key === 'Enter') e.target.dispatchEvent(new Event('click')); }},
        h('title', {}, `${what}: ${plural(n, 'article')}`));
      svg.append(bar);
    }
    if (i % every === 0) {
      svg.append(h('text', {x: x + bw / 2, y: H + 16, 'text-anchor': 'middle'},
        unit === 'day' ? nice(isoOf(k)).replace(/ \d{4}$/, '')
          : MONTHS[new Date(k * 86400000).getUTCMonth()] + ' \u2019' + isoOf(k).slice(2, 4)));
    }
  });
  return h('div', {class: 'card'}, h('div', {class: 'summary'}, h('h3', {}, label), h('span', {class: 'meta'}, 'per ' + unit + ' · click a bar to narrow the dates')), svg);
}

/* charts are drawn at the width they get on screen, so their text keeps
 * its size on a phone */
function chartWidth() {
  const m = document.querySelector('#main');
  const w = (m ? m.clientWidth : window.innerWidth) - 40;
  return Math.max(300, Math.min(1100, w));
}

/* the timeline's dates on a scaled axis; a dot per date scrolls to it */
function timelineAxis(dates) {
  if (dates.length < 1) return null;
  const days = dates.map(dayNum);
  const lo = Math.min(...days), hi = Math.max(...days);
  const W = chartWidth(), pad = W < 600 ? 24 : 40, y = 52;
  const x = (d) => hi === lo ? W / 2 : pad + (W - 2 * pad) * (d - lo) / (hi - lo);
  const svg = h('svg', {class: 'tl-axis', viewBox: `0 0 ${W} 92`, role: 'img', 'aria-label': 'timeline from ' + nice(isoOf(lo)) + ' to ' + nice(isoOf(hi))});
  svg.append(h('line', {class: 'track', x1: pad - 10, x2: W - pad + 10, y1: y, y2: y}));
  /* ticks: months when the span is short, years otherwise */
  const span = hi - lo;
  const d0 = new Date(lo * 86400000);
  let t = new Date(Date.UTC(d0.getUTCFullYear(), span > 730 ? 0 : d0.getUTCMonth(), 1));
  const narrow = W < 600;
  const step = span > 730 ? 12 : span > (narrow ? 120 : 240) ? 3 : 1;
  for (let guard = 0; guard < 100; guard++) {
    t.setUTCMonth(t.getUTCMonth() + (guard ? step : 0));
    const td = Math.floor(t / 86400000);
    if (td > hi) break;
    if (td < lo) continue;
    svg.append(h('line', {class: 'tick', x1: x(td), x2: x(td), y1: y - 8, y2: y + 8}));
    svg.append(h('text', {x: x(td), y: y + 26, 'text-anchor': 'middle'}, step === 12 ? String(t.getUTCFullYear()) : MONTHS[t.getUTCMonth()] + ' ' + String(t.getUTCFullYear()).slice(2)));
  }
  if (span <= 31) {
    svg.append(h('text', {x: x(lo), y: y + 26, 'text-anchor': 'middle'}, nice(isoOf(lo))));
    if (hi !== lo) svg.append(h('text', {x: x(hi), y: y + 26, 'text-anchor': 'middle'}, nice(isoOf(hi))));
  }
  /* dots that would overlap stack upwards on short stems */
  const rowEnd = [];
  dates.forEach((iso, i) => {
    const cx = x(days[i]);
    let row = 0;
    while (row < 3 && rowEnd[row] !== undefined && cx - rowEnd[row] < 15) row++;
    rowEnd[row] = cx;
    const cy = y - row * 15;
    if (row) svg.append(h('line', {class: 'tick', x1: cx, x2: cx, y1: y, y2: cy}));
    svg.append(h('circle', {class: 'dot', cx, cy, r: 7, tabindex: 0, role: 'link', 'aria-label': nice(iso),
      onclick: () => jumpTo('d-' + iso),
      onkeydown: (e) => { if (e.key === 'Enter') jumpTo('d-' + iso); }},
      h('title', {}, nice(iso))));
  });
  return svg;
}

function jumpTo(id) {
  const el = document.getElementById(id);
  if (!el) return;
  el.scrollIntoView({behavior: 'smooth', block: 'start'});
  el.classList.add('flash');
  setTimeout(() => el.classList.remove('flash'), 1200);
  const a = $('a', el);
  if (a) a.focus({preventScroll: true});
}

/* ------------------------------------------------------------------- views */

async function viewHome(main) {
  main.append(h('section', {class: 'hero'},
    h('h1', {}, 'What happened, when, and who said what'),
    h('p', {}, 'Search the archive for a topic, then read its timeline, the quotes of the people in it, and how often it was in the news.'),
    h('div', {class: 'examples', id: 'examples'})));
  try {
    const st = await api('stats');
    if (st && st.articles) {
      main.append(h('p', {class: 'notice'}, `${st.articles.toLocaleString()} articles from ${nice(st.first)} to ${nice(st.last)}` +
        (st.stories ? `, ${st.stories.toLocaleString()} stories` : '') + '.'));
    } else {
      main.append(notice('The archive is empty: add articles with `dateline ingest` or POST /api/articles.'));
    }
  } catch (e) { if (e.name !== 'AbortError') main.append(errorCard(e, 'Stats')); }
  /* suggestions: the archive's biggest stories, if stories are built */
  try {
    const s = await api('stories', {n: 6});
    const ex = $('#examples', main);
    for (const st of (s.stories || []).slice(0, 6)) {
      if (st.label) ex.append(link({q: st.label, from: st.first || '', to: st.last || '', view: 'timeline'}, st.label));
    }
  } catch (e) { /* stories not built: no suggestions */ }
}

async function viewResults(main, s) {
  const words = queryWords(s.q);
  const chartBox = h('div', {});
  const listBox = h('div', {});
  main.append(chartBox, listBox);
  let res;
  try {
    res = await api('search', {q: s.q, from: s.from, to: s.to, n: 50});
  } catch (e) {
    if (e.name !== 'AbortError') listBox.append(errorCard(e, 'Search'));
    return;
  }
  const hits = res.hits || [];
  listBox.append(h('div', {class: 'summary'},
    h('h2', {}, res.total ? `${Number(res.total).toLocaleString()} articles` : 'No articles match'),
    h('span', {class: 'meta'}, `${hits.length < (res.total || 0) ? 'best ' + hits.length + ' shown · ' : ''}${(res.took_ms || 0).toFixed ? (+res.took_ms).toFixed(1) : res.took_ms} ms`)));
  if (!hits.length) {
    listBox.append(notice('Try fewer words, OR between alternatives, or a wider date range.'));
  }
  const ol = h('ol', {class: 'hits'});
  for (const hit of hits) {
    ol.append(h('li', {class: 'hit', 'data-nav': '', 'data-id': hit.id},
      h('div', {class: 'meta'}, nice(hit.date), hit.source ? ' · ' + hit.source : ''),
      link({id: hit.id}, h('span', {}, hit.title || untitled(hit))),
      hit.snippet ? h('p', {class: 'snip'}, snippet(hit.snippet, words)) : null));
    $('a', ol.lastChild).classList.add('title');
  }
  listBox.append(ol);
  /* mentions over time: every matching article counted by date */
  try {
    const m = await api('mentions', {q: s.q, from: s.from, to: s.to});
    const c = mentionsChart(m.dates || [], `“${s.q}” in the news`);
    if (c) chartBox.append(c);
  } catch (e) {
    /* the endpoint is missing: draw what the hits show */
    const counts = new Map();
    for (const hit of hits) counts.set(hit.date, (counts.get(hit.date) || 0) + 1);
    const c = mentionsChart([...counts].map(([date, count]) => ({date, count})), `“${s.q}”: the best ${hits.length} articles by date`);
    if (c) chartBox.append(c);
  }
}

async function viewTimeline(main, s) {
  let res;
  try {
    res = await api('timeline', {q: s.q, from: s.from, to: s.to, dates: 12, per_date: 3});
  } catch (e) {
    if (e.name !== 'AbortError') main.append(errorCard(e, 'Timeline'));
    return;
  }
  const tl = (res.timeline || []).slice().sort((a, b) => a.date < b.date ? -1 : 1);
  main.append(h('div', {class: 'summary'}, h('h2', {}, `Timeline: ${s.q}`),
    h('span', {class: 'meta'}, tl.length ? `${plural(tl.length, 'date')}, ${nice(tl[0].date)} to ${nice(tl[tl.length - 1].date)}` : '')));
  if (!tl.length) { main.append(notice('No dated events found for this query.')); return; }
  const axis = timelineAxis(tl.map((d) => d.date));
  if (axis) main.append(h('div', {class: 'card'}, axis));
  const words = queryWords(s.q);
  const ol = h('ol', {class: 'timeline'});
  for (const d of tl) {
    ol.append(h('li', {class: 'tl-date', id: 'd-' + d.date},
      h('h3', {}, h('time', {datetime: d.date}, nice(d.date))),
      (d.lines || []).map((ln) => h('div', {class: 'line', 'data-nav': ''}, marked(ln.text, words), ' ',
        link({id: ln.id}, 'read →')))));
  }
  main.append(ol);
}

async function viewQuotes(main, s) {
  let res;
  try {
    res = await api('quotes', {q: s.q, speaker: s.speaker, from: s.from, to: s.to, n: 200});
  } catch (e) {
    if (e.name !== 'AbortError') main.append(errorCard(e, 'Quotes'));
    return;
  }
  const qs = res.quotes || [];
  const head = s.speaker ? `Quotes of ${s.speaker}` : s.q ? `Who said what about “${s.q}”` : 'Latest quotes';
  main.append(h('div', {class: 'summary'}, h('h2', {}, head), h('span', {class: 'meta'}, plural(qs.length, 'quote')),
    s.speaker ? link({speaker: ''}, 'all speakers') : null));
  if (!qs.length) { main.append(notice('No quotes found.')); return; }
  /* grouped by speaker, the most quoted first; unattributed last */
  const groups = new Map();
  for (const q of qs) {
    const k = q.speaker || '';
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(q);
  }
  const order = [...groups.keys()].sort((a, b) => (!a) - (!b) || groups.get(b).length - groups.get(a).length);
  for (const sp of order) {
    const list = groups.get(sp);
    main.append(h('section', {class: 'card speaker'},
      h('h2', {}, sp ? link({speaker: sp, view: 'quotes'}, sp) : 'Unattributed', h('span', {class: 'n'}, plural(list.length, 'quote'))),
      list.slice(0, 20).map((q) => h('div', {class: 'quote', 'data-nav': ''},
        h('blockquote', {}, '“' + q.text + '”'),
        h('div', {class: 'meta'}, nice(q.date), ' · ', link({id: q.id}, 'in context')))),
      list.length > 20 ? h('div', {class: 'meta'}, `and ${list.length - 20} more`) : null));
  }
}

const TYPE_CLASS = {PERSON: 'e-person', ORG: 'e-org', PLACE: 'e-place'};
const TYPE_NAME = {PERSON: 'person', ORG: 'organisation', PLACE: 'place'};

async function viewEntities(main, s) {
  if (s.entity) return viewEntity(main, s);
  let res;
  try {
    res = await api('entities', {q: s.q, from: s.from, to: s.to, n: 120});
  } catch (e) {
    if (e.name !== 'AbortError') main.append(errorCard(e, 'People and places'));
    return;
  }
  const es = res.entities || [];
  main.append(h('div', {class: 'summary'}, h('h2', {}, s.q ? `People, organisations and places in “${s.q}”` : 'The most mentioned'),
    h('span', {class: 'meta'}, plural(es.length, 'name'))));
  if (!es.length) { main.append(notice('No names found.')); return; }
  const ul = h('ul', {class: 'ents'});
  for (const e of es) {
    const n = e.mentions ?? e.count ?? '';
    ul.append(h('li', {'data-nav': ''},
      h('span', {class: 'name'}, link({entity: e.name, view: 'entities'}, e.name)),
      h('span', {class: 'what', title: `${n} mentions` + (e.articles ? ` in ${plural(e.articles, 'article')}` : '')},
        h('span', {class: 'kind ' + (TYPE_CLASS[e.type] || '')}, TYPE_NAME[e.type] || e.type || ''), ' ',
        h('span', {class: 'meta'}, typeof n === 'number' ? n.toLocaleString() + '×' : String(n)))));
  }
  main.append(ul);
}

async function viewEntity(main, s) {
  main.append(h('div', {class: 'summary'}, h('h2', {}, s.entity),
    h('span', {}, link({entity: ''}, '← all names'), ' · ', link({q: s.entity, entity: '', view: 'timeline'}, 'timeline'), ' · ',
      link({q: s.entity, entity: '', view: 'results'}, 'articles'))));
  const chartBox = h('div', {});
  const quoteBox = h('div', {});
  main.append(chartBox, quoteBox);
  try {
    const m = await api('mentions', {entity: s.entity, from: s.from, to: s.to});
    const c = mentionsChart(m.dates || [], `Articles mentioning ${s.entity}`);
    chartBox.append(c || notice('No mentions in this date range.'));
  } catch (e) { if (e.name !== 'AbortError') chartBox.append(errorCard(e, 'Mentions')); }
  try {
    const q = await api('quotes', {speaker: s.entity, from: s.from, to: s.to, n: 50});
    const list = q.quotes || [];
    quoteBox.append(h('section', {class: 'card speaker'}, h('h2', {}, `What ${s.entity} said`, h('span', {class: 'n'}, plural(list.length, 'quote'))),
      list.length ? list.map((x) => h('div', {class: 'quote', 'data-nav': ''}, h('blockquote', {}, '“' + x.text + '”'),
        h('div', {class: 'meta'}, nice(x.date), ' · ', link({id: x.id}, 'in context')))) : notice('No quotes attributed.')));
  } catch (e) { if (e.name !== 'AbortError') quoteBox.append(errorCard(e, 'Quotes')); }
}

async function viewStories(main, s) {
  let res;
  try {
    res = await api('stories', {q: s.q, from: s.from, to: s.to, n: 50});
  } catch (e) {
    if (e.name !== 'AbortError') main.append(errorCard(e, 'Stories'));
    return;
  }
  const st = res.stories || [];
  main.append(h('div', {class: 'summary'}, h('h2', {}, s.q ? `Stories about “${s.q}”` : 'Stories'), h('span', {class: 'meta'}, plural(st.length, 'story', 'stories'))));
  if (!st.length) { main.append(notice('No stories found.')); return; }
  const lo = Math.min(...st.map((x) => dayNum(x.first || x.last || '1970-01-01')));
  const hi = Math.max(...st.map((x) => dayNum(x.last || x.first || '1970-01-01')));
  const ol = h('ol', {class: 'stories'});
  for (const x of st) {
    const a = dayNum(x.first), b = dayNum(x.last);
    const bar = h('i', {});
    bar.style.left = (hi > lo ? 100 * (a - lo) / (hi - lo) : 0) + '%';
    bar.style.width = (hi > lo ? 100 * (b - a) / (hi - lo) : 100) + '%';
    const n = Array.isArray(x.articles) ? x.articles.length : x.articles;
    ol.append(h('li', {class: 'story', 'data-nav': ''},
      h('h3', {}, link({q: x.label, from: x.first, to: x.last, view: 'timeline'}, x.label || 'story ' + x.id)),
      h('span', {class: 'span', title: `${nice(x.first)} – ${nice(x.last)}`}, bar),
      h('div', {class: 'meta'}, `${nice(x.first)} – ${nice(x.last)} · ${plural(n || 0, 'article')} · `,
        Array.isArray(x.articles) && x.articles.length ? link({id: x.articles[0]}, 'first article') : null)));
  }
  main.append(ol);
}

/* ------------------------------------------------------------ article view */

/*
 * The text cut at every span boundary; each piece is a span whose classes say
 * which annotations cover it (entity type, quote, time), so overlapping and
 * nested annotations all show.
 */
function annotatedText(a) {
  const bytes = new TextEncoder().encode(a.text || '');
  const dec = new TextDecoder();
  const marks = []; /* [start, end, class, title] */
  for (const e of a.entities || []) {
    for (const m of e.mentions || []) marks.push([m[0], m[1], TYPE_CLASS[e.type] || 'e-org', `${e.name} (${TYPE_NAME[e.type] || e.type})`]);
  }
  for (const q of a.quotes || []) marks.push([q.start, q.end, 'qt', q.speaker ? `quote: ${q.speaker}` : 'quote, unattributed']);
  for (const t of a.times || []) marks.push([t.start, t.end, 'tx', `${t.type} ${t.value}`]);
  const cuts = new Set([0, bytes.length]);
  for (const m of marks) {
    if (!(m[0] >= 0 && m[1] <= bytes.length && m[0] < m[1])) continue;
    cuts.add(m[0]); cuts.add(m[1]);
  }
  const pts = [...cuts].sort((x, y) => x - y);
  const out = [];
  for (let i = 0; i + 1 < pts.length; i++) {
    const s = pts[i], e = pts[i + 1];
    const txt = dec.decode(bytes.subarray(s, e));
    const on = marks.filter((m) => m[0] <= s && m[1] >= e && m[0] < m[1]);
    if (!on.length) { out.push(txt); continue; }
    out.push(h('span', {class: [...new Set(on.map((m) => m[2]))].join(' '), title: on.map((m) => m[3]).join('\n')}, txt));
  }
  return out;
}

async function viewArticle(main, s) {
  let a;
  try {
    a = await api('articles/' + encodeURIComponent(s.id));
  } catch (e) {
    if (e.name !== 'AbortError') main.append(errorCard(e, 'Article'));
    return;
  }
  let title = a.title || (a.text || '').split(/(?<=[.!?])\s/)[0];
  if (title.length > 140) title = title.slice(0, 140).replace(/\s+\S*$/, '') + '…';
  document.title = title + ' · dateline';
  const ents = (a.entities || []).slice().sort((x, y) => (y.mentions || []).length - (x.mentions || []).length);
  const art = h('article', {class: 'card article'},
    h('div', {class: 'meta'}, nice(a.date), a.source && a.source !== a.url ? ' · ' + a.source : '', a.url ? ' · ' : '',
      a.url && /^https?:\/\//.test(a.url) ? h('a', {href: a.url, rel: 'noopener noreferrer', target: '_blank'}, new URL(a.url).hostname) : null),
    h('h1', {}, title),
    h('div', {class: 'legend', 'aria-hidden': 'true'}, h('span', {class: 'e-person'}, 'person'), h('span', {class: 'e-org'}, 'organisation'),
      h('span', {class: 'e-place'}, 'place'), h('span', {class: 'qt'}, 'quote'), h('span', {class: 'tx'}, 'time')),
    h('div', {class: 'body'}, annotatedText(a)));
  const side = h('aside', {class: 'card side'},
    s.q ? h('p', {}, link({id: ''}, '← back to “' + s.q + '”')) : h('p', {}, link({id: ''}, '← back')),
    h('h3', {}, plural(ents.length, 'name')),
    h('ul', {}, ents.map((e) => h('li', {}, h('span', {class: 'n'}, (e.mentions || []).length + '×'),
      h('span', {class: TYPE_CLASS[e.type] || ''}, link({entity: e.name, view: 'entities', id: ''}, e.name))))),
    h('h3', {}, plural((a.quotes || []).length, 'quote')),
    h('ul', {}, (a.quotes || []).map((q) => h('li', {}, h('blockquote', {}, '“' + q.text + '”'),
      h('div', {class: 'meta'}, '— ', q.speaker ? link({speaker: q.speaker, view: 'quotes', id: ''}, q.speaker) : 'unattributed')))),
    h('h3', {}, plural((a.times || []).length, 'time expression')),
    h('ul', {}, (a.times || []).map((t) => h('li', {}, t.text, h('span', {class: 'n'}, t.value)))));
  main.append(h('div', {class: 'article-grid'}, art, side));
}

/* ------------------------------------------------------------------ render */

let renderSeq = 0;

async function render() {
  const s = state();
  const seq = ++renderSeq;
  if (inflight) inflight.abort();
  inflight = new AbortController();
  $('#q').value = s.q;
  $('#from').value = s.from;
  $('#to').value = s.to;
  for (const a of $$('#tabs a')) {
    const v = a.dataset.view;
    a.href = urlFor(Object.assign({}, s, {view: v, id: '', entity: v === 'entities' ? s.entity : '', speaker: v === 'quotes' ? s.speaker : ''}));
    if (v === s.view && !s.id) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.title = s.q ? `${s.q} · dateline` : 'dateline';
  const main = h('div', {class: 'view'});
  const old = $('#main');
  old.classList.add('loading');
  try {
    if (s.id) await viewArticle(main, s);
    else if (s.view === 'quotes') await viewQuotes(main, s);
    else if (s.view === 'entities') await viewEntities(main, s);
    else if (s.view === 'stories') await viewStories(main, s);
    else if (!s.q) await viewHome(main);
    else if (s.view === 'timeline') await viewTimeline(main, s);
    else await viewResults(main, s);
  } catch (e) {
    if (e.name === 'AbortError') return;
    main.append(errorCard(e, 'This view'));
  }
  if (seq !== renderSeq) return; /* a newer render owns the screen */
  old.replaceChildren(main);
  old.classList.remove('loading');
  old.dataset.ready = s.view + (s.id ? ':article' : '');
  selected = -1;
}

/* ---------------------------------------------------------------- keyboard */

let selected = -1;

function navItems() { return $$('#main [data-nav]'); }

function select(i) {
  const items = navItems();
  if (!items.length) return;
  selected = Math.max(0, Math.min(items.length - 1, i));
  items.forEach((el, k) => el.classList.toggle('sel', k === selected));
  const el = items[selected];
  el.scrollIntoView({block: 'nearest'});
  const a = $('a', el);
  if (a) a.focus({preventScroll: true});
}

document.addEventListener('keydown', (e) => {
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
  if (e.key === 'Escape') {
    if (typing) { e.target.blur(); return; }
    const s = state();
    if (s.id) go({id: ''}); else if (s.entity) go({entity: ''}); else if (s.speaker) go({speaker: ''});
    return;
  }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === '/') { e.preventDefault(); $('#q').focus(); $('#q').select(); }
  else if (e.key === 'j') select(selected + 1);
  else if (e.key === 'k') select(selected - 1);
  else if (/^[1-5]$/.test(e.key)) go({view: VIEWS[Number(e.key) - 1], id: ''});
});

$('#search').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = $('#q').value.trim();
  const s = state();
  go({q, from: $('#from').value, to: $('#to').value, id: '', entity: '', speaker: '',
      view: q || s.view !== 'timeline' ? s.view : 'results'});
  $('#main').focus({preventScroll: true});
});

for (const a of $$('#tabs a')) {
  a.addEventListener('click', (e) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    go({view: a.dataset.view, id: '', entity: a.dataset.view === 'entities' ? state().entity : '',
        speaker: a.dataset.view === 'quotes' ? state().speaker : ''});
  });
}

window.addEventListener('popstate', render);

(async function footer() {
  try {
    const st = await fetch('/api/stats').then((r) => r.json());
    if (st.articles) $('#stats').textContent = `${st.articles.toLocaleString()} articles · ${nice(st.first)} – ${nice(st.last)}`;
  } catch (e) { /* the footer is a nicety */ }
})();

render();
