/* Unit fields (units/widgets.py): the server renders only the chosen unit(s) and the address
   of a lookup; Tom Select turns the <select> into a search box that asks it as the user types.
   Runs on DOMContentLoaded so that form_controls.js has given the select its Bootstrap class
   (Tom Select carries it over to its box). Without JavaScript the chosen unit stays as is. */
(function () {
  "use strict";

  function setUp(select) {
    var url = select.dataset.unitPicker;
    var noResults = select.dataset.noResults;
    var expired = select.dataset.expired;
    var failed = false;
    var found = {}; // query -> {unit id: rank in the server's answer}
    var settings = {
      valueField: "id",
      labelField: "text",
      searchField: [],
      maxOptions: 50,
      loadThrottle: 250,
      placeholder: select.dataset.placeholder,
      allowEmptyOption: !select.multiple,
      closeAfterSelect: !select.multiple,
      // The server has searched name, short name and code: show what it answered for this
      // query, in its order (with nothing typed: what is loaded, the empty "all units" choice too).
      score: function (search) {
        var ranks = found[search] || {};
        return function (item) {
          if (!search) return 1;
          if (item.id === "") return 0;
          var rank = ranks[item.id];
          return rank === undefined ? 0 : 1 / (1 + rank);
        };
      },
      shouldLoad: function (query) {
        return query.trim().length > 0;
      },
      load: function (query, callback) {
        failed = false;
        fetch(url + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            if (!response.ok) throw new Error(String(response.status));
            return response.json();
          })
          .then(function (data) {
            var ranks = {};
            data.results.forEach(function (unit, index) {
              ranks[unit.id] = index;
            });
            found[query] = ranks;
            callback(data.results);
          })
          .catch(function () {
            failed = true;
            callback();
          });
      },
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">' + escape(failed ? expired : noResults) + "</div>";
        },
        loading: function () {
          return '<div class="spinner-border spinner-border-sm m-2" role="status"></div>';
        },
      },
    };
    if (select.multiple) settings.plugins = ["remove_button"];
    new window.TomSelect(select, settings);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.TomSelect) return;
    document.querySelectorAll("select[data-unit-picker]").forEach(setUp);
  });
})();
