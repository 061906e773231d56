/* tthc site search: filters the procedures listed on a desk's index page.
   Shipped with tthc (MIT); no library, no network. Both the query and the
   data-s attribute written by the site builder are folded the same way:
   lower case, diacritics removed, "đ" read as "d", punctuation as spaces.
   "dang ky khai sinh" therefore finds "Đăng ký khai sinh". */
(function () {
  "use strict";
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[\u0111\u00f0]/g, "d").replace(/[^0-9a-z.]+/g, " ").trim();
  }
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  if (!form || !input || !status) { return; }
  var rows = document.querySelectorAll("li[data-s]");
  var groups = document.querySelectorAll("section.group");
  var total = rows.length;
  function run() {
    var words = fold(input.value).split(" ").filter(function (w) { return w.length > 0; });
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].getAttribute("data-s");
      var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
      rows[i].hidden = !hit;
      if (hit) { shown++; }
    }
    for (var j = 0; j < groups.length; j++) {
      groups[j].hidden = groups[j].querySelector("li[data-s]:not([hidden])") === null;
    }
    document.body.setAttribute("data-shown", String(shown));
    status.textContent = words.length === 0
      ? total + " thủ tục"
      : "Tìm thấy " + shown + " / " + total + " thủ tục";
  }
  var params = new URLSearchParams(window.location.search);
  if (params.has("q")) { input.value = params.get("q"); }
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  input.addEventListener("input", run);
  run();
}());
