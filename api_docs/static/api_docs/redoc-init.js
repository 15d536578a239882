"use strict";
// Starts ReDoc with the settings of SPECTACULAR_SETTINGS["REDOC_UI_SETTINGS"] (api_docs/redoc.html).
(() => {
  const container = document.getElementById("redoc-container");
  const settings = JSON.parse(document.getElementById("redoc-settings").textContent);
  Redoc.init(container.dataset.schemaUrl, settings, container);
})();
