/* Timeline filters: keep the items whose data-kind and data-topics match the two selects.
 * The choice is kept in the address (?kind=paper&topic=guidance) so it can be shared. */
(function () {
  "use strict";

  function setup() {
    var kindSelect = document.getElementById("kb-filter-kind");
    var topicSelect = document.getElementById("kb-filter-topic");
    if (!kindSelect || !topicSelect || kindSelect.dataset.kbReady) return;
    kindSelect.dataset.kbReady = "1";
    var count = document.getElementById("kb-timeline-count");
    var params = new URLSearchParams(window.location.search);
    choose(kindSelect, params.get("kind"));
    choose(topicSelect, params.get("topic"));

    function apply() {
      var kind = kindSelect.value, topic = topicSelect.value, shown = 0;
      document.querySelectorAll(".kb-timeline-year").forEach(function (year) {
        var visible = 0;
        year.querySelectorAll(".kb-timeline-item").forEach(function (item) {
          var topics = (item.dataset.topics || "").split(" ");
          var match = (!kind || item.dataset.kind === kind) &&
                      (!topic || topics.indexOf(topic) >= 0);
          item.hidden = !match;
          if (match) visible++;
        });
        var empty = year.querySelector(".kb-empty");
        if (empty) empty.hidden = visible > 0;
        shown += visible;
      });
      // The words come from the page, in its language: data-one="{n} entry", data-many.
      if (count) {
        var words = (shown === 1 ? count.dataset.one : count.dataset.many) || "{n}";
        count.textContent = words.replace("{n}", shown);
      }
      var next = new URLSearchParams();
      if (kind) next.set("kind", kind);
      if (topic) next.set("topic", topic);
      var query = next.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") +
                           window.location.hash);
    }

    kindSelect.addEventListener("change", apply);
    topicSelect.addEventListener("change", apply);
    apply();
  }

  function choose(select, value) {
    if (!value) return;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { select.value = value; return; }
    }
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
