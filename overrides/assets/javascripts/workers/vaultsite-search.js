/* Search worker for Material's search box, answering from the Pagefind index.

   Material talks to its search worker with four messages (SETUP 0, READY 1, QUERY 2,
   RESULT 3) and renders whatever RESULT carries with its own markup, so the search box,
   the result list, keyboard navigation and highlighting stay Material's. This worker
   answers from the Pagefind bundle in `pagefind/` (written after the build by
   vaultsite.search), which downloads only the index chunks of the words searched and the
   fragments of the results shown, instead of the whole index.

   The index has Hangul written as digits (five a syllable, a run ending in U+E001: Pagefind
   would put every Hangul word into one huge chunk); queries are written the same way and
   titles and excerpts are turned back. Words ending in U+E000 exist only in the index (the
   suffixes that make compound parts findable, and aliases): they are dropped from titles
   and excerpts here, a highlight on one moves to the word it came from.

   If the Pagefind bundle cannot be loaded, Material's own worker (its URL is passed as
   ?material=...) takes over; this file sits in Material's workers/ folder because that
   worker finds its lunr files relative to the worker's address. */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const MARK = "\ue000";
const RUN_END = "\ue001";
const AFTER_NUMBER = "\ue002";
const ENCODED = new RegExp("(?<!\\d)((?:\\d{5})+)" + RUN_END, "g");
const FIRST = 10;        /* results in the first answer */
const SHOWN = 30;        /* results in the second answer */
const SECTIONS = 3;      /* sections of a result shown open; the rest under "more" */

let pagefind = null;
let fallback = false;
let latest = 0;

const params = new URL(self.location.href).searchParams;
const bundle = new URL(params.get("pagefind") || "../../../pagefind/pagefind.js", self.location.href).href;

function clean(html) {
  /* Drop the marked words; a <mark> on one moves to the previous real word. */
  if (!html) return "";
  if (html.indexOf(MARK) < 0) return decode(html);
  const out = [];
  for (const token of html.split(" ")) {
    if (token.indexOf(MARK) < 0) { out.push(token); continue; }
    if (token.indexOf("<mark>") >= 0 && out.length) {
      const last = out[out.length - 1];
      if (last.indexOf("<mark>") < 0) out[out.length - 1] = "<mark>" + last + "</mark>";
    }
  }
  return decode(out.join(" ").replace(/<\/mark> <mark>/g, " "));
}

function encode(text) {
  /* Hangul as the index has it (vaultsite.search.encode_hangul): five digits a syllable. */
  return text.replace(/(\d?)([\uac00-\ud7a3]+)/g, (_, digit, run) =>
    (digit ? digit + AFTER_NUMBER : "") + Array.from(run, c => String(c.charCodeAt(0) - 0xac00).padStart(5, "0")).join(""));
}

function decode(text) {
  return text.replace(ENCODED, (_, digits) => {
    let out = "";
    for (let i = 0; i < digits.length; i += 5) out += String.fromCharCode(0xac00 + Number(digits.slice(i, i + 5)));
    return out;
  }).split(AFTER_NUMBER).join("");
}

function plain(html) {
  return html.replace(/<[^>]*>/g, "");
}

function withoutHeading(excerpt, heading) {
  /* Pagefind's excerpt of a section starts with its heading, which Material shows above it. */
  const words = heading.trim().split(/\s+/).filter(Boolean);
  const tokens = excerpt.split(" ");
  if (!words.length || tokens.length < words.length) return excerpt;
  const head = plain(tokens.slice(0, words.length).join(" "));
  if (head !== words.join(" ") + "." && head !== words.join(" ")) return excerpt;
  return tokens.slice(words.length).join(" ");
}

function para(html) {
  return html.trim() ? "<p>" + html + "</p>" : "";
}

function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c]));
}

function title(text) {
  return escapeHTML(clean(text || "").trim());
}

function weight(sub) {
  return (sub.weighted_locations || []).reduce((sum, w) => sum + (w.weight || 1), 0)
    || (sub.locations || []).length;
}

function item(data, score, terms) {
  /* One Material result: the page first (no anchor), then its matching sections. */
  const page = {
    location: data.url.split("#")[0],
    title: title(data.meta && data.meta.title) || data.url,
    text: para(withoutHeading(clean(data.excerpt), clean((data.meta && data.meta.title) || ""))),
    score: score,
    terms: terms,
  };
  const sections = (data.sub_results || [])
    .filter(sub => sub.url && sub.url.indexOf("#") > 0 && (sub.locations || []).length)
    .map(sub => ({sub, w: weight(sub)}))
    .sort((a, b) => b.w - a.w);
  const docs = [page];
  sections.forEach(({sub}, i) => {
    docs.push({
      location: sub.url,
      title: title(sub.title) || page.title,
      text: para(withoutHeading(clean(sub.excerpt), clean(sub.title || ""))),
      score: i < SECTIONS ? score : score / 2,
      terms: terms,
    });
  });
  return docs;
}

async function query(id, value) {
  /* Answer with the first FIRST results at once (Material shows ten before any scrolling),
     then again with up to SHOWN. */
  const q = value.trim();
  if (!q) { postMessage({type: RESULT, data: {items: [], suggest: [], count: 0}}); return; }
  const search = await pagefind.search(encode(q));
  if (id !== latest || !search) return;
  const terms = {};
  for (const word of q.split(/\s+/)) if (word) terms[word] = true;
  const items = [];
  for (const [from, to] of [[0, FIRST], [FIRST, SHOWN]]) {
    const part = search.results.slice(from, to);
    if (from > 0 && !part.length) break;
    const datas = await Promise.all(part.map(r => r.data()));
    if (id !== latest) return;
    datas.forEach((d, i) => items.push(item(d, part[i].score, terms)));
    postMessage({type: RESULT, data: {items: items.slice(), suggest: [], count: search.results.length}});
  }
}

async function setup(message) {
  try {
    pagefind = await import(bundle);
    await pagefind.options({excerptLength: 24});
    postMessage({type: READY});
    await pagefind.init();  /* the runtime and the page list, before the first key */
  } catch (err) {
    useMaterial(message, err);
  }
}

function useMaterial(message, err) {
  const material = params.get("material");
  if (!material) { console.error("vaultsite search: Pagefind bundle not loaded", err); return; }
  fallback = true;
  importScripts(material);
  self.dispatchEvent(new MessageEvent("message", {data: message}));
}

self.addEventListener("message", async event => {
  if (fallback) return;
  const message = event.data;
  if (message.type === SETUP) {
    await setup(message);
  } else if (message.type === QUERY && pagefind) {
    const id = ++latest;
    try {
      await query(id, message.data);
    } catch (err) {
      console.error("vaultsite search:", err);
      if (id === latest) postMessage({type: RESULT, data: {items: [], suggest: [], count: 0}});
    }
  }
});
