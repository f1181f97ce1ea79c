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

  function keyValues(div) {
    var kv = {}, n = 0;
    for (var i = 0; i < div.attributes.length; i++) {
      var a = div.attributes[i];
      if (a.name.indexOf('data-kv-') === 0 && a.name.length > 8) {
        kv[a.name.slice(8)] = a.value.indexOf(',') >= 0 ? a.value.split(',').map(function (v) { return v.trim(); }) : a.value;
        n++;
      }
    }
    return n ? kv : null;
  }

  function slots() {
    var list = [], divs = d.querySelectorAll('div[data-placement]:not([data-adp-state])');
    for (var i = 0; i < divs.length; i++) {
      var div = divs[i];
      if (!div.id) div.id = 'adp-slot-' + ++seq;
      div.setAttribute('data-adp-state', 'requested');
      list.push(div);
    }
    return list;
  }

  // Page-level keywords and key-values: the union of every requested div's data-keywords and data-kv-*.
  function request(divs) {
    var c = consent(), body = { placements: [], url: location.href }, kws = [], kvs = null;
    if (d.referrer) body.referrer = d.referrer;
    divs.forEach(function (div) {
      body.placements.push({ divName: div.id, placementId: div.getAttribute('data-placement') });
      (div.getAttribute('data-keywords') || '').split(',').forEach(function (k) {
        k = k.trim(); if (k && kws.indexOf(k) < 0) kws.push(k);
      });
      var kv = keyValues(div);
      if (kv) kvs = Object.assign(kvs || {}, kv);
    });
    if (kws.length) body.keywords = kws;
    if (kvs) body.keyValues = kvs;
    var key = userKey(c);
    if (key) body.user = { key: key };
    var consentFields = {}, any = false;
    ['gdpr', 'tcString', 'usPrivacy', 'gpp', 'coppa'].forEach(function (f) {
      if (c[f] !== undefined) { consentFields[f] = c[f]; any = true; }
    });
    if (any) body.consent = consentFields;
    return body;
  }

  function settle(divs, state) {
    divs.forEach(function (div) { div.setAttribute('data-adp-state', state); });
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
        var ads = (decisions[div.id] || []).filter(function (ad) { return ad && typeof ad.html === 'string' && ad.html; });
        ads.forEach(function (ad) { render(div, ad); });
        div.setAttribute('data-adp-state', ads.length ? 'filled' : 'empty');
        div.dispatchEvent(new CustomEvent('adplatform:render', { bubbles: true, detail: { ads: ads } }));
      });
    }).catch(function () { settle(divs, 'error'); });
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
