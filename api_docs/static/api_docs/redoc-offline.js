"use strict";
// ReDoc's sidebar always renders a credit whose <img> loads https://cdn.redoc.ly/redoc/logo-mini.svg
// (no option turns it off). Images here take no source from another host, however it is set,
// so the page fetches nothing from elsewhere and its Content-Security-Policy refuses nothing.
(() => {
  const isElsewhere = (value) => {
    const url = new URL(String(value), document.baseURI);
    return url.protocol !== "data:" && url.origin !== location.origin;
  };
  const proto = HTMLImageElement.prototype;
  const src = Object.getOwnPropertyDescriptor(proto, "src");
  Object.defineProperty(proto, "src", {
    ...src,
    set(value) {
      if (!isElsewhere(value)) src.set.call(this, value);
    },
  });
  const setAttribute = Element.prototype.setAttribute;
  proto.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "src" && isElsewhere(value)) return undefined;
    return setAttribute.call(this, name, value);
  };
})();
