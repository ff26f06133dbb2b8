// Measurements run inside the page by the browser tests (hromada/core/ui/tests/browser/).
// Loaded once per call with execute_script: `return window.hromadaChecks.<name>(...)`.
(function () {
  "use strict";
  var canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  var paint = canvas.getContext("2d", { willReadFrequently: true });

  // Any CSS colour (rgb, oklch, color(), named) as [r, g, b, a] in sRGB 0..255, alpha 0..1.
  function rgba(colour) {
    if (!colour || colour === "transparent") return [0, 0, 0, 0];
    paint.clearRect(0, 0, 1, 1);
    paint.fillStyle = "rgba(0, 0, 0, 0)";
    paint.fillStyle = colour;
    paint.fillRect(0, 0, 1, 1);
    var d = paint.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  }

  function over(top, bottom) {
    var a = top[3];
    return [0, 1, 2].map(function (i) { return top[i] * a + bottom[i] * (1 - a); }).concat([1]);
  }

  function luminance(c) {
    var v = c.slice(0, 3).map(function (x) {
      x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }

  function ratio(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  // The opaque colour behind an element: its ancestors' backgrounds composed from the root down.
  function behind(element) {
    var layers = [];
    for (var node = element; node && node.nodeType === 1; node = node.parentElement) {
      var c = rgba(getComputedStyle(node).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    var result = [255, 255, 255, 1];
    for (var i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return result;
  }

  // The colours of a computed box-shadow list (Chrome writes each shadow's colour first).
  function shadowColours(shadow) {
    if (!shadow || shadow === "none") return [];
    return shadow.match(/(rgba?\([^)]*\)|oklch\([^)]*\)|oklab\([^)]*\)|color\([^)]*\)|hsla?\([^)]*\)|#[0-9a-f]{3,8})/gi) || [];
  }

  function describe(element) {
    if (!element || element === document.body) return "body";
    var parts = [];
    for (var node = element; node && node.nodeType === 1 && parts.length < 4; node = node.parentElement) {
      var part = node.tagName.toLowerCase();
      if (node.id) { parts.unshift(part + "#" + node.id); break; }
      var name = node.getAttribute("name");
      if (name) part += '[name="' + name + '"]';
      else if (node.classList.length) part += "." + Array.prototype.slice.call(node.classList, 0, 2).join(".");
      parts.unshift(part);
    }
    var text = (element.getAttribute("aria-label") || element.textContent || element.value || "").trim()
      .replace(/\s+/g, " ").slice(0, 40);
    return parts.join(" > ") + (text ? ' "' + text + '"' : "");
  }

  // The parts of an element's focus indicator as they are drawn now: outline (2 px or more, not
  // transparent: a transparent outline only shows in forced-colours mode), each box-shadow, the background.
  function indicatorParts(element) {
    var style = getComputedStyle(element);
    var parts = [];
    var width = parseFloat(style.outlineWidth) || 0;
    if (style.outlineStyle !== "none" && width >= 2 && rgba(style.outlineColor)[3] > 0) {
      parts.push({ kind: "outline", colour: style.outlineColor });
    }
    shadowColours(style.boxShadow).forEach(function (colour) { parts.push({ kind: "box-shadow", colour: colour }); });
    return { parts: parts, background: style.backgroundColor };
  }

  // The best contrast among the indicator's parts against what surrounds the element (an outline or a
  // shadow drawn outside it), or of the focused background against the unfocused one (WCAG 2.4.7, 1.4.11).
  function judge(element, focused, plainBackground) {
    var around = behind(element.parentElement || element);
    var result = { target: describe(element), key: element.outerHTML.slice(0, 200), ratio: 0, kind: "none" };
    focused.parts.forEach(function (part) {
      var value = ratio(over(rgba(part.colour), around), around);
      if (value > result.ratio) { result.ratio = value; result.kind = part.kind; result.colour = part.colour; }
    });
    var on = over(rgba(focused.background), around);
    var off = over(rgba(plainBackground), around);
    if (on.join() !== off.join()) {
      var value = ratio(on, off);
      if (value > result.ratio) { result.ratio = value; result.kind = "background"; result.colour = focused.background; }
    }
    return result;
  }

  // The focused element's indicator and its contrast with what surrounds it.
  function focusIndicator() {
    var element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) return null;
    var focused = indicatorParts(element);
    element.blur();
    var plain = getComputedStyle(element).backgroundColor;
    element.focus({ preventScroll: true });
    return judge(element, focused, plain);
  }

  // Tab stops recorded as the keyboard reaches them (one WebDriver call sends all the Tab presses): the
  // indicator's parts are read while the element has the focus, the unfocused background afterwards.
  var log = null;
  function recordFocus(event) {
    var element = event.target;
    if (!log || !element || element === document.body || element.nodeType !== 1) return;
    log.push({ element: element, focused: indicatorParts(element), visible: element.matches(":focus-visible") });
  }
  function startFocusLog() {
    log = [];
    document.addEventListener("focusin", recordFocus, true);
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    return true;
  }
  function focusLog() {
    document.removeEventListener("focusin", recordFocus, true);
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    var seen = [];
    var results = [];
    (log || []).forEach(function (entry) {
      if (seen.indexOf(entry.element) >= 0) return;  // round the page once
      seen.push(entry.element);
      var result = judge(entry.element, entry.focused, getComputedStyle(entry.element).backgroundColor);
      result.visible = entry.visible;
      results.push(result);
    });
    log = null;
    return results;
  }

  // How wide the page lays out against the `width` it was given (a phone widens its layout viewport to
  // the content when the content does not fit, so innerWidth alone would hide the overflow).
  function overflow(width) {
    var root = document.documentElement;
    var wide = [];
    var laidOut = Math.max(root.scrollWidth, window.innerWidth);
    if (laidOut > width) {
      var all = document.body ? document.body.getElementsByTagName("*") : [];
      for (var i = 0; i < all.length && wide.length < 5; i++) {
        var box = all[i].getBoundingClientRect();
        if (box.right > width + 1 && box.width > 0 && getComputedStyle(all[i]).position !== "fixed") {
          var inside = false;
          for (var j = 0; j < wide.length; j++) if (wide[j].node.contains(all[i])) inside = true;
          if (!inside) wide.push({ node: all[i], right: Math.round(box.right) });
        }
      }
    }
    return {
      width: laidOut, viewport: !!document.querySelector('meta[name="viewport"]'),
      widest: wide.map(function (w) { return describe(w.node) + " (right edge " + w.right + " px)"; }),
    };
  }

  // What a screen reader would call the focused element: its labels, aria-label or text.
  function focused() {
    var element = document.activeElement;
    if (!element || element === document.body) return null;
    var label = element.getAttribute("aria-label") || "";
    if (element.labels && element.labels.length) {
      label = Array.prototype.map.call(element.labels, function (l) { return l.textContent; }).join(" ") + " " + label;
    }
    if (!label.trim()) label = element.textContent || element.value || "";
    return { tag: element.tagName.toLowerCase(), type: element.getAttribute("type") || "",
             name: label.replace(/\s+/g, " ").trim() };
  }

  window.hromadaChecks = { focused: focused, focusIndicator: focusIndicator, startFocusLog: startFocusLog,
                           focusLog: focusLog, overflow: overflow, describe: describe };
})();
