/* Search worker for Material's search box, answering from vaultsite's chunked index.

   Material talks to its search worker with four messages (SETUP 0, READY 1, QUERY 2,
   RESULT 3) and renders whatever RESULT carries with its own markup, so the search box,
   the result list, keyboard navigation and highlighting stay Material's. This worker
   answers from the index in `search/vaultsite/` (written after the build by
   vaultsite.search.write_search_index): a query fetches the shards of its terms, then the
   title, URL and section texts of each result it shows (one file each), never the whole index.

   Terms are made as in vaultsite/search.py (keep the two in step): Hangul, Han and kana
   runs as overlapping bigrams (a lone syllable as itself), other words in lower case with
   the same light English stemmer (`stem`). A query word must have all its bigrams in a
   note, so `전자` finds `삼성전자`; a particle ending a query word is dropped (`딥시크는`
   searches `딥시크`); the last word typed also matches as a prefix.

   If the index cannot be loaded, Material's own worker (its URL is passed as ?material=...)
   takes over; this file sits in Material's workers/ folder because that worker finds its
   lunr files relative to the worker's address. */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const FORMAT = 3;
const FIRST = 6;         /* results in the first answer (one round of 6 parallel fetches) */
const SHOWN = 30;        /* results in the second answer */
const SECTIONS = 3;      /* sections shown under a result */
const CJK = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7a3";
const TOKEN = new RegExp(`([${CJK}]+)|((?:(?![${CJK}])[\\p{L}\\p{N}])+)`, "gu");
const CJK_START = new RegExp(`^[${CJK}]`);
/* Particles dropped from the end of a query word (longest first); one-syllable ones only
   from words of three syllables or more, two-syllable ones from four or more. */
const PARTICLES = ["에서는", "으로는", "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "이나", "라는", "이라",
  "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만"];
/* A lone syllable in a query also matches it with a particle glued on. */
const LONE = ["은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만"];

let meta = null;
let fallback = false;
let latest = 0;
const files = new Map();

const params = new URL(self.location.href).searchParams;
const base = new URL(params.get("index") || "../../../search/vaultsite/", self.location.href).href;

function load(path) {
  let p = files.get(path);
  if (!p) {
    p = fetch(base + path).then(r => {
      if (!r.ok) throw new Error(`${path}: ${r.status}`);
      return r.json();
    });
    files.set(path, p);
    p.catch(() => files.delete(path));
  }
  return p;
}

/* -- terms, as vaultsite/search.py makes them ------------------------------------------ */
function stem(word) {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) w = w.slice(0, -1);
  if (w.endsWith("ied") && w.length > 4) {
    w = w.slice(0, -3) + "y";
  } else {
    for (const suffix of ["ing", "ed"]) {
      if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
        w = w.slice(0, -suffix.length);
        if (w[w.length - 1] === w[w.length - 2] && !"lsz".includes(w[w.length - 1])) w = w.slice(0, -1);
        break;
      }
    }
  }
  if (w.endsWith("e") && w.length > 3) w = w.slice(0, -1);
  return w;
}

function shardKey(term) {
  return CJK_START.test(term) ? term : term.slice(0, 3);
}

function shardOf(term) {
  /* FNV-1a over UTF-16 code units, as vaultsite.search.shard_of */
  const key = shardKey(term);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & (meta.shards - 1);
}

function dropParticle(run) {
  for (const p of PARTICLES) {
    if (run.endsWith(p) && run.length - p.length >= 2) return run.slice(0, -p.length);
  }
  return run;
}

function parse(value) {
  /* The query's slots (each: the terms that can fill it, and maybe a prefix) and the words
     to highlight. */
  const q = value.normalize("NFC").toLowerCase();
  const tokens = [...q.matchAll(TOKEN)];
  const typing = !/\s$/.test(q);
  const slots = [], marks = [], seen = new Set();
  const add = (alts, prefix) => {
    const key = alts.join(" ") + "|" + (prefix || "");
    if (!seen.has(key)) { seen.add(key); slots.push({alts, prefix}); }
  };
  tokens.forEach((m, i) => {
    if (m[1]) {
      const run = dropParticle(m[1]);
      marks.push(run);
      if (run.length === 1) add([run, ...LONE.map(p => run + p)], null);
      for (let k = 0; k + 1 < run.length; k++) add([run.slice(k, k + 2)], null);
    } else {
      const word = m[2], s = stem(word);
      marks.push(s.length < word.length ? s : word);
      add([s], i === tokens.length - 1 && typing && word.length >= 3 ? word : null);
    }
  });
  return {slots, marks};
}

/* -- matching ---------------------------------------------------------------------------- */
async function match(slots) {
  /* Documents having every slot, best first: [{doc, score, section}] */
  const wanted = new Set();
  for (const slot of slots) {
    for (const t of slot.alts) wanted.add(shardOf(t));
    if (slot.prefix) wanted.add(shardOf(slot.prefix));
  }
  const shards = new Map();
  await Promise.all([...wanted].map(async n => shards.set(n, await load(`shards/${n}.json`))));
  const hits = slots.map(slot => {
    const docs = new Map();
    const take = list => {
      for (let i = 0; i + 2 < list.length; i += 3) {
        const old = docs.get(list[i]);
        if (!old || old[0] < list[i + 1]) docs.set(list[i], [list[i + 1], list[i + 2]]);
      }
    };
    for (const t of slot.alts) {
      const list = shards.get(shardOf(t))[t];
      if (list) take(list);
    }
    if (slot.prefix) {
      const shard = shards.get(shardOf(slot.prefix));
      for (const t in shard) if (t.startsWith(slot.prefix) && !slot.alts.includes(t)) take(shard[t]);
    }
    return docs;
  });
  if (!hits.length || hits.some(h => !h.size)) return [];
  const order = hits.map((h, i) => i).sort((a, b) => hits[a].size - hits[b].size);
  const idf = hits.map(h => Math.log(1 + meta.docs / h.size));
  const out = [];
  for (const doc of hits[order[0]].keys()) {
    let score = 0;
    const votes = new Map();
    let all = true;
    for (const i of order) {
      const hit = hits[i].get(doc);
      if (!hit) { all = false; break; }
      const w = hit[0] * idf[i];
      score += w;
      votes.set(hit[1], (votes.get(hit[1]) || 0) + w);
    }
    if (!all) continue;
    let section = 0, best = -1;
    for (const [s, v] of votes) if (v > best || (v === best && s < section)) { best = v; section = s; }
    out.push({doc, score, section});
  }
  /* A stable sort: equal scores keep the posting lists' order, the pages' URL order (a
     document's number is a hash slot, search.doc_numbers). */
  out.sort((a, b) => b.score - a.score);
  return out;
}

/* -- results ------------------------------------------------------------------------------ */
function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c]));
}

function cleanMarkdown(text) {
  /* What is left of Markdown's marks in the index's text (targets, URLs, code, tags are
     already blanked there). */
  return text
    .replace(/\[\[(?:[^\]|]*\|)?([^\]]*)\]\]/g, "$1")
    .replace(/\[![^\]\s]*\][+-]?/g, "")
    .replace(/!?\[([^\]]*)\]/g, "$1")
    .replace(/[[\]]/g, "")  /* a link's "[" whose "](target)" is blanked */
    .replace(/\*\*|__|~~|==|`|\$\$/g, "")
    .replace(/(^|\s)(?:[>#|*+-]|\d{1,3}[.)])+(?=\s|$)/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

function marker(marks) {
  const words = marks.filter(Boolean).map(w => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return words.length ? new RegExp(`(${words.join("|")})`, "giu") : null;
}

function highlight(text, re) {
  if (!re) return escapeHTML(text);
  return text.split(re).map((part, i) => i % 2 ? `<mark>${escapeHTML(part)}</mark>` : escapeHTML(part)).join("");
}

function excerpt(text, re, length = 220) {
  text = cleanMarkdown(text || "");
  let start = 0;
  if (re) {
    re.lastIndex = 0;
    const m = new RegExp(re.source, "iu").exec(text);
    if (m && m.index > 60) start = text.lastIndexOf(" ", m.index - 40) + 1;
  }
  let out = text.slice(start, start + length);
  if (start + length < text.length) out = out.replace(/\s+\S*$/, "") + " …";
  return (start > 0 ? "… " : "") + highlight(out, re);
}

function para(html) {
  return html.trim() ? "<p>" + html + "</p>" : "";
}

async function item(hit, re, terms) {
  /* One Material result: the page first (no anchor), then its best sections. */
  const [url, title, sections] = await load(`docs/${hit.doc}.json`);
  const has = s => re && (new RegExp(re.source, "iu").test(cleanMarkdown(s[2])) || new RegExp(re.source, "iu").test(s[1]));
  const docs = [{location: url, title: highlight(title, re), text: para(excerpt(sections[0] ? sections[0][2] : "", re)),
                 score: hit.score, terms}];
  const shown = [];
  if (hit.section > 0 && sections[hit.section]) shown.push(hit.section);
  for (let i = 1; i < sections.length && shown.length < SECTIONS; i++) {
    if (!shown.includes(i) && has(sections[i])) shown.push(i);
  }
  for (const i of shown) {
    const [anchor, heading, text] = sections[i];
    docs.push({location: url + "#" + encodeURIComponent(anchor), title: highlight(heading, re),
               text: para(excerpt(text, re)), score: hit.score, terms});
  }
  return docs;
}

async function query(id, value) {
  /* Answer with the first FIRST results at once (a browser fetches six files at a time),
     then again with up to SHOWN. */
  const {slots, marks} = parse(value.trim());
  if (!slots.length) { postMessage({type: RESULT, data: {items: [], suggest: [], count: 0}}); return; }
  const hits = await match(slots);
  if (id !== latest) return;
  const terms = {};
  for (const word of value.trim().split(/\s+/)) if (word) terms[word] = true;
  const re = marker(marks);
  const items = [];
  for (const [from, to] of [[0, FIRST], [FIRST, SHOWN]]) {
    const part = hits.slice(from, to);
    if (from > 0 && !part.length) break;
    const done = await Promise.all(part.map(h => item(h, re, terms)));
    if (id !== latest) return;
    items.push(...done);
    postMessage({type: RESULT, data: {items: items.slice(), suggest: [], count: hits.length}});
  }
}

async function setup(message) {
  try {
    meta = await load("meta.json");
    if (meta.format !== FORMAT) throw new Error(`index format ${meta.format}, worker ${FORMAT}`);
    postMessage({type: READY});
  } catch (err) {
    useMaterial(message, err);
  }
}

function useMaterial(message, err) {
  const material = params.get("material");
  if (!material) { console.error("vaultsite search: index not loaded", err); return; }
  fallback = true;
  importScripts(material);
  self.dispatchEvent(new MessageEvent("message", {data: message}));
}

self.addEventListener("message", async event => {
  if (fallback) return;
  const message = event.data;
  if (message.type === SETUP) {
    await setup(message);
  } else if (message.type === QUERY && meta) {
    const id = ++latest;
    try {
      await query(id, message.data);
    } catch (err) {
      console.error("vaultsite search:", err);
      if (id === latest) postMessage({type: RESULT, data: {items: [], suggest: [], count: 0}});
    }
  }
});
