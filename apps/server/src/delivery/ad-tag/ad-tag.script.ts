/**
 * The browser source of `/v1/ad.js`: a hand-written ES2017 IIFE, kept as a
 * string so it ships inside the server bundle with no build step. It is
 * served compacted (full-line comments and indentation dropped, see
 * ad-tag-source.ts); its behaviour is documented in docs/ad-tag.md and tested
 * in headless Chromium (ad-tag.browser.test.ts).
 *
 * Rules for editing: no backticks and no dollar-brace in the source (it sits
 * in a template literal); comments only on lines of their own.
 */
// biome-ignore lint/complexity/noUselessStringRaw: a backslash added to the browser source later must reach the browser as written.
export const AD_TAG_SCRIPT = String.raw`
(function () {
  'use strict';
  var w = window, d = document;
  if (w.adplatform && w.adplatform.version) return;
  var script = d.currentScript || d.querySelector('script[src*="/v1/ad.js"]');
  var origin = new URL(script ? script.src : '/', location.href).origin;
  var SANDBOX = 'allow-scripts allow-popups allow-popups-to-escape-sandbox';
  var HEAD = '<!doctype html><html><head><meta charset="utf-8"><base target="_blank">' +
    '<style>html,body{margin:0;padding:0;overflow:hidden;background:transparent}</style></head><body>';
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  var MAX_SLOTS = 20, seq = 0, timer = 0, ready = d.readyState !== 'loading';

  // Consent: false or 'deny' withholds the first-party id (and forgets a stored one).
  function consent() {
    var c = w.adplatformConsent;
    return c === false || c === 'deny' ? { deny: true } : c && typeof c === 'object' ? c : {};
  }

  function userKey(c) {
    try {
      if (c.deny || c.userKey === false) { localStorage.removeItem('adp_uid'); return null; }
      var id = localStorage.getItem('adp_uid');
      if (!id) {
        id = w.crypto && crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2);
        localStorage.setItem('adp_uid', id);
      }
      return id;
    } catch (e) { return null; }
  }

  // Tracking beacons carry no cookies: the signed URL is the whole message.
  function beacon(url) {
    if (!url) return;
    if (w.fetch) fetch(url, { mode: 'no-cors', credentials: 'omit', keepalive: true }).catch(function () {});
    else new Image().src = url;
  }

  // MRC display rule: 50% of pixels (30% from 242,500 px²) in view for 1 continuous second, tab visible.
  function watchViewable(frame, ad) {
    if (!ad.viewableUrl || !w.IntersectionObserver) return;
    var need = frame.offsetWidth * frame.offsetHeight >= 242500 ? 0.3 : 0.5, ratio = 0, t = 0, io;
    function stop() { if (t) { clearTimeout(t); t = 0; } }
    function fire() {
      io.disconnect(); d.removeEventListener('visibilitychange', check);
      frame.setAttribute('data-adp-viewable', '1'); beacon(ad.viewableUrl);
    }
    function check() { if (ratio >= need && !d.hidden) { if (!t) t = setTimeout(fire, 1000); } else stop(); }
    io = new IntersectionObserver(function (entries) {
      ratio = entries[entries.length - 1].intersectionRatio; check();
    }, { threshold: [0, 0.3, 0.5, 1] });
    io.observe(frame);
    d.addEventListener('visibilitychange', check);
  }

  function render(div, ad) {
    var frame = d.createElement('iframe');
    frame.setAttribute('sandbox', SANDBOX);
    frame.setAttribute('scrolling', 'no');
    frame.setAttribute('title', 'Advertisement');
    frame.style.cssText = 'border:0;display:block;overflow:hidden';
    frame.width = ad.width ? String(ad.width) : '100%';
    frame.height = String(ad.height || 250);
    frame.addEventListener('load', function () {
      if (frame.getAttribute('data-adp-rendered')) return;
      frame.setAttribute('data-adp-rendered', '1');
      beacon(ad.impressionUrl);
      watchViewable(frame, ad);
    });
    frame.srcdoc = HEAD + ad.html + '</body></html>';
    div.appendChild(frame);
  }

  // Values are trimmed to the decision API's limits, so one odd attribute cannot fail the whole request.
  function keyValues(div, kv) {
    for (var i = 0; i < div.attributes.length; i++) {
      var a = div.attributes[i], key = a.name.slice(8);
      if (a.name.indexOf('data-kv-') !== 0 || !/^[a-z0-9_.:-]{1,64}$/.test(key)) continue;
      if (!(key in kv) && Object.keys(kv).length >= 50) continue;
      kv[key] = a.value.indexOf(',') >= 0 ? a.value.split(',').slice(0, 50).map(function (v) { return v.trim().slice(0, 256); }) : a.value.slice(0, 256);
    }
  }

  // Each new slot gets a unique divName: its id when it has a usable one. A bad placement id is an error of that slot only.
  function slots() {
    var list = [], used = {}, divs = d.querySelectorAll('div[data-placement]:not([data-adp-state])');
    for (var i = 0; i < divs.length; i++) {
      var div = divs[i], name = div.id;
      if (!div.id) div.id = name = 'adp-slot-' + ++seq;
      if (name.length > 128 || used[name]) name = 'adp-slot-' + ++seq;
      used[name] = 1;
      div.setAttribute('data-adp-name', name);
      if (!UUID.test(div.getAttribute('data-placement'))) { div.setAttribute('data-adp-state', 'error'); continue; }
      div.setAttribute('data-adp-state', 'requested');
      list.push(div);
    }
    return list;
  }

  // Page-level keywords and key-values: the union of every requested div's data-keywords and data-kv-*.
  function request(divs) {
    var c = consent(), body = { placements: [], url: location.href.slice(0, 4096) }, kws = [], kvs = {};
    if (d.referrer) body.referrer = d.referrer.slice(0, 4096);
    divs.forEach(function (div) {
      body.placements.push({ divName: div.getAttribute('data-adp-name'), placementId: div.getAttribute('data-placement') });
      (div.getAttribute('data-keywords') || '').split(',').forEach(function (k) {
        k = k.trim().slice(0, 100); if (k && kws.length < 100 && kws.indexOf(k) < 0) kws.push(k);
      });
      keyValues(div, kvs);
    });
    if (kws.length) body.keywords = kws;
    if (Object.keys(kvs).length) body.keyValues = kvs;
    var key = userKey(c);
    if (key) body.user = { key: key };
    var consentFields = {}, any = false;
    ['gdpr', 'tcString', 'usPrivacy', 'gpp', 'coppa'].forEach(function (f) {
      if (c[f] !== undefined) { consentFields[f] = c[f]; any = true; }
    });
    if (any) body.consent = consentFields;
    return body;
  }

  function load() {
    timer = 0;
    var divs = slots();
    for (var i = 0; i < divs.length; i += MAX_SLOTS) send(divs.slice(i, i + MAX_SLOTS));
  }

  function send(divs) {
    fetch(origin + '/v1/decisions', {
      method: 'POST',
      body: JSON.stringify(request(divs)),
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      credentials: 'omit',
      keepalive: true
    }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (answer) {
      var decisions = (answer && answer.decisions) || {};
      divs.forEach(function (div) {
        var ads = (decisions[div.getAttribute('data-adp-name')] || []).filter(function (ad) { return ad && typeof ad.html === 'string' && ad.html; });
        ads.forEach(function (ad) { render(div, ad); });
        div.setAttribute('data-adp-state', ads.length ? 'filled' : 'empty');
        div.dispatchEvent(new CustomEvent('adplatform:render', { bubbles: true, detail: { ads: ads } }));
      });
    }).catch(function () {
      divs.forEach(function (div) { div.setAttribute('data-adp-state', 'error'); });
    });
  }

  // One request for every div present when the DOM is ready; later ones batched per tick.
  function schedule() {
    if (ready && !timer) timer = setTimeout(load, 0);
  }

  function isSlot(node) {
    return node.nodeType === 1 && (node.matches('div[data-placement]') || !!node.querySelector('div[data-placement]'));
  }

  w.adplatform = { version: 1, refresh: schedule };
  if (w.MutationObserver) {
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        for (var j = 0; j < records[i].addedNodes.length; j++) if (isSlot(records[i].addedNodes[j])) return schedule();
      }
    }).observe(d.documentElement, { childList: true, subtree: true });
  }
  if (!ready) d.addEventListener('DOMContentLoaded', function () { ready = true; schedule(); });
  schedule();
})();
`;
