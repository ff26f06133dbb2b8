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

  function firstShadowColour(shadow) {
    if (!shadow || shadow === "none") return null;
    var match = shadow.match(/(rgba?\([^)]*\)|oklch\([^)]*\)|oklab\([^)]*\)|color\([^)]*\)|hsla?\([^)]*\)|#[0-9a-f]{3,8})/i);
    return match ? match[1] : null;
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

  // The focused element's indicator and its contrast with what surrounds it (WCAG 2.4.7, 1.4.11).
  function focusIndicator() {
    var element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) return null;
    var style = getComputedStyle(element);
    var around = behind(element.parentElement || element);
    var result = { target: describe(element), key: element.outerHTML.slice(0, 200), ratio: 0, kind: "none" };
    var width = parseFloat(style.outlineWidth) || 0;
    if (style.outlineStyle !== "none" && width >= 2) {
      var outline = over(rgba(style.outlineColor), around);
      result.kind = "outline";
      result.colour = style.outlineColor;
      result.ratio = ratio(outline, around);
      return result;
    }
    var shadow = firstShadowColour(style.boxShadow);
    if (shadow) {
      result.kind = "box-shadow";
      result.colour = shadow;
      result.ratio = ratio(over(rgba(shadow), around), around);
      return result;
    }
    // A change of background: the focused background against the unfocused one.
    var focused = over(rgba(style.backgroundColor), around);
    element.blur();
    var plain = over(rgba(getComputedStyle(element).backgroundColor), around);
    element.focus({ preventScroll: true });
    if (focused.join() !== plain.join()) {
      result.kind = "background";
      result.colour = style.backgroundColor;
      result.ratio = ratio(focused, plain);
    }
    return result;
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

  window.hromadaChecks = { focused: focused, focusIndicator: focusIndicator, overflow: overflow, describe: describe };
})();
