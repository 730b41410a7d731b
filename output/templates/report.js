(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var raw = cell.getAttribute("data-value");
    if (raw !== null && raw !== "" && !isNaN(Number(raw))) { return Number(raw); }
    return cell.textContent.trim().toLowerCase();
  }

  function sortTable(table, index, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows).filter(function (row) {
      return !row.classList.contains("detail");
    });
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (typeof x === "number" && typeof y === "number") { return ascending ? x - y : y - x; }
      return ascending ? String(x).localeCompare(String(y)) : String(y).localeCompare(String(x));
    });
    rows.forEach(function (row) {
      body.appendChild(row);
      var detail = row.getAttribute("data-detail");
      if (detail) { body.appendChild(document.getElementById(detail)); }
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.addEventListener("click", function () { sortTable(table, index, th); });
    });
  });

  // A shop's detail row follows it; sorting and filtering move or hide the pair together.
  document.querySelectorAll("button.open-detail").forEach(function (button) {
    button.addEventListener("click", function () {
      var row = document.getElementById(button.getAttribute("aria-controls"));
      var open = row.hidden;
      row.hidden = !open;
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });

  var filter = document.getElementById("shop-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var needle = filter.value.trim().toLowerCase();
      document.querySelectorAll("#shop-table tbody tr.shop").forEach(function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
        var detail = document.getElementById(row.getAttribute("data-detail"));
        if (row.hidden && detail) { detail.hidden = true; }
      });
    });
  }

  var stepSelect = document.getElementById("map-step");
  if (stepSelect) {
    stepSelect.addEventListener("change", function () {
      document.querySelectorAll("#map-dots circle").forEach(function (dot) {
        var level = stepSelect.value === "avg" ? dot.getAttribute("data-avg")
          : dot.getAttribute("data-steps").split(",")[Number(stepSelect.value)];
        dot.setAttribute("class", "dot lv" + level);
      });
    });
  }

  // OpenStreetMap tiles: only fetched after the user clicks (the report is offline by default).
  var tilesButton = document.getElementById("show-tiles");
  var dataNode = document.getElementById("map-data");
  if (tilesButton && dataNode) {
    tilesButton.addEventListener("click", function () {
      var m = JSON.parse(dataNode.textContent);
      var group = document.getElementById("map-tiles");
      var ns = "http://www.w3.org/2000/svg";
      var tilesAcross = 4;
      var zoom = m.reference_zoom - Math.ceil(Math.log2(m.width / (m.tile_size * tilesAcross)));
      zoom = Math.max(1, Math.min(18, zoom));
      var size = m.tile_size * Math.pow(2, m.reference_zoom - zoom);
      var count = Math.pow(2, zoom);
      var x0 = Math.floor(m.origin_x / size), x1 = Math.floor((m.origin_x + m.width) / size);
      var y0 = Math.floor(m.origin_y / size), y1 = Math.floor((m.origin_y + m.height) / size);
      while (group.firstChild) { group.removeChild(group.firstChild); }
      for (var x = x0; x <= x1; x++) {
        for (var y = y0; y <= y1; y++) {
          if (x < 0 || y < 0 || x >= count || y >= count) { continue; }
          var image = document.createElementNS(ns, "image");
          image.setAttribute("href", "https://tile.openstreetmap.org/" + zoom + "/" + x + "/" + y + ".png");
          image.setAttribute("x", String(x * size - m.origin_x));
          image.setAttribute("y", String(y * size - m.origin_y));
          image.setAttribute("width", String(size));
          image.setAttribute("height", String(size));
          group.appendChild(image);
        }
      }
      document.getElementById("tiles-attribution").hidden = false;
      tilesButton.disabled = true;
    });
  }
}());
