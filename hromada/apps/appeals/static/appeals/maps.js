/* Maps of appeals, on top of Leaflet (served from npm's package, see settings.STATICFILES_DIRS).
 *
 * Progressive enhancement: every map is hidden until this script runs. Without JavaScript the
 * form keeps its address, latitude and longitude fields, and the problem map's page lists the problems
 * in a table under the map (the `map` component's text version).
 *
 * [data-map-picker]     the appeal form's point picker: click, or focus the map, pan with the arrow
 *                       keys and press Enter to mark the centre; keeps the latitude/longitude fields in step.
 * [data-suggest-url]    the address field: suggestions from the community's address register.
 * [data-problem-map]    the public problem map: districts and markers from the GeoJSON feed.
 */
(function () {
  "use strict";

  var UKRAINE = [49.0, 31.4];

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function baseMap(canvas, config) {
    var map = L.map(canvas, { keyboard: true, keyboardPanDelta: 60, zoomControl: false }).setView(UKRAINE, 6);
    // Leaflet's own control titles are English; the page gives them in its language.
    L.control.zoom({ zoomInTitle: config.zoomInTitle, zoomOutTitle: config.zoomOutTitle }).addTo(map);
    L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    return map;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; });
  }

  /* Draw the community's districts; resolves to their bounds (or null when there are none). */
  function drawDistricts(map, url) {
    return getJSON(url).then(function (data) {
      if (!data || !data.features || !data.features.length) { return null; }
      var layer = L.geoJSON(data, {
        style: { color: "#1a5ea8", weight: 2, fillOpacity: 0.04 },
        // Drawn only, never a Tab stop: Leaflet gives no path a tabindex, but a tooltip adds focus listeners
        // to the path, and Chromium then makes an SVG element focusable (a stop with no name). The districts
        // are named in the filters and the text list.
        interactive: false
      }).addTo(map);
      return layer.getBounds();
    });
  }

  function round(value) { return Math.round(value * 1e6) / 1e6; }

  function picker(box) {
    var form = box.closest("form");
    var lat = form && form.querySelector("[name=latitude]");
    var lon = form && form.querySelector("[name=longitude]");
    if (!lat || !lon || typeof L === "undefined") { return; }
    var config = JSON.parse(box.dataset.config);
    var canvas = box.querySelector(".map__canvas");
    var status = box.querySelector(".map__status");
    box.hidden = false;
    var map = baseMap(canvas, config);
    var marker = null;

    function show(latlng, announce) {
      if (marker === null) {
        marker = L.marker(latlng, { draggable: true, keyboard: false, title: config.marker, alt: config.marker });
        marker.on("dragend", function () { place(marker.getLatLng(), true); });
        marker.addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
      if (announce) { status.textContent = format(config.placed, { lat: round(latlng.lat), lon: round(latlng.lng) }); }
    }

    function place(latlng, announce) {
      lat.value = round(latlng.lat);
      lon.value = round(latlng.lng);
      show(latlng, announce);
    }

    function fromFields() {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (!isFinite(a) || !isFinite(b) || Math.abs(a) > 90 || Math.abs(b) > 180) { return false; }
      show(L.latLng(a, b), false);
      map.setView([a, b], Math.max(map.getZoom(), 16));
      return true;
    }

    map.on("click", function (event) { place(event.latlng, true); });
    canvas.addEventListener("keydown", function (event) {
      if (event.target === canvas && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        place(map.getCenter(), true);
      }
    });
    lat.addEventListener("change", fromFields);
    lon.addEventListener("change", fromFields);
    form.addEventListener("hromada:point", fromFields);
    box.querySelector(".map-clear").addEventListener("click", function () {
      lat.value = "";
      lon.value = "";
      if (marker !== null) { map.removeLayer(marker); marker = null; }
      status.textContent = config.cleared;
    });
    drawDistricts(map, config.districtsUrl).then(function (bounds) {
      if (!fromFields() && bounds) { map.fitBounds(bounds); }
    });
  }

  function addressSuggestions(input) {
    var form = input.closest("form");
    var lat = form && form.querySelector("[name=latitude]");
    var lon = form && form.querySelector("[name=longitude]");
    var list = document.createElement("datalist");
    list.id = (input.id || "address") + "-suggestions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    var found = {};
    var chosen = false;
    var timer = null;
    input.addEventListener("input", function () {
      var text = input.value.trim();
      var hit = found[text];
      if (hit && lat && lon) {  // a suggestion was picked: its point goes to the fields and the map
        lat.value = hit.latitude;
        lon.value = hit.longitude;
        chosen = true;
        form.dispatchEvent(new Event("hromada:point"));
        return;
      }
      if (chosen && lat && lon) {  // the address changed after a pick: the picked point no longer applies
        lat.value = "";
        lon.value = "";
        chosen = false;
      }
      window.clearTimeout(timer);
      if (text.length < 3) { return; }
      timer = window.setTimeout(function () {
        getJSON(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text)).then(function (data) {
          if (!data) { return; }
          list.textContent = "";
          found = {};
          data.results.forEach(function (address) {
            var option = document.createElement("option");
            option.value = address.label;
            list.appendChild(option);
            found[address.label] = address;
          });
        });
      }, 250);
    });
  }

  function popup(feature, more) {
    var p = feature.properties;
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = p.number;
    box.appendChild(title);
    [(p.icon ? p.icon + " " : "") + p.category, p.status_label, p.registered].forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    // What the resident agreed to publish, and the official's public summary of the answer (never the letter).
    [p.description, p.answer].forEach(function (text) {
      if (!text) { return; }
      var paragraph = document.createElement("p");
      paragraph.textContent = text;
      box.appendChild(paragraph);
    });
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = more;
    var hidden = document.createElement("span");  // "Open the problem's page" names which problem
    hidden.className = "visually-hidden";
    hidden.textContent = " " + p.number;
    link.appendChild(hidden);
    box.appendChild(link);
    return box;
  }

  function problemMap(box) {
    if (typeof L === "undefined") { return; }
    var config = JSON.parse(box.dataset.config);
    var canvas = box.querySelector(".map__canvas");
    var status = box.querySelector(".map__status");
    canvas.hidden = false;
    var map = baseMap(canvas, config);
    Promise.all([drawDistricts(map, config.districtsUrl), getJSON(config.geojsonUrl)]).then(function (results) {
      var bounds = results[0], data = results[1];
      var features = (data && data.features) || [];
      var markers = L.geoJSON({ type: "FeatureCollection", features: features }, {
        pointToLayer: function (feature, latlng) {
          var p = feature.properties;
          var label = p.number + ": " + p.category + ", " + p.status_label;
          var icon = L.divIcon({ className: "problem-marker status-" + p.status, html: "",
                                 iconSize: [28, 28], iconAnchor: [14, 14] });
          var marker = L.marker(latlng, { icon: icon, title: label, alt: label, keyboard: true });
          marker.on("add", function () {
            var element = marker.getElement();
            element.textContent = p.icon || "•";
            element.setAttribute("aria-label", label);
          });
          return marker;
        },
        onEachFeature: function (feature, layer) { layer.bindPopup(popup(feature, config.more)); }
      }).addTo(map);
      // A popup takes the focus (its link), and gives it back to its marker when it closes.
      markers.on("popupopen", function (event) {
        var link = event.popup.getElement().querySelector(".leaflet-popup-content a");
        if (link) { link.focus(); }
      });
      markers.on("popupclose", function (event) {
        var marker = event.propagatedFrom, active = document.activeElement;
        var element = marker && marker.getElement && marker.getElement();
        if (element && (!active || active === document.body || event.popup.getElement().contains(active))) {
          element.focus();
        }
      });
      if (bounds) {
        map.fitBounds(bounds);
      } else if (features.length) {
        map.fitBounds(markers.getBounds(), { maxZoom: 16 });
      }
      status.textContent = format(config.count, { count: features.length });
    });
  }

  ready(function () {
    document.querySelectorAll("[data-map-picker]").forEach(picker);
    document.querySelectorAll("input[data-suggest-url]").forEach(addressSuggestions);
    document.querySelectorAll("[data-problem-map]").forEach(problemMap);
  });
})();
