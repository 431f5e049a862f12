// CSRF token for scripts: every htmx request and every same-origin fetch that changes something sends the
// page's token (from <meta name="csrf-token">) as X-CSRF-Token; the server checks it against the wg_csrf
// cookie. Plain forms carry the same token in their hidden "csrf" field.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta) { return; }
  var token = meta.getAttribute("content");
  var SAFE = { GET: true, HEAD: true, OPTIONS: true };

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = token;
  });

  if (window.fetch) {
    var original = window.fetch.bind(window);
    window.fetch = function (input, init) {
      var request = new Request(input, init);
      if (SAFE[request.method] || new URL(request.url).origin !== window.location.origin) {
        return original(input, init);
      }
      var headers = new Headers(request.headers);
      headers.set("X-CSRF-Token", token);
      return original(new Request(request, { headers: headers }));
    };
  }
})();
