// The public status page refreshes itself from /status/{slug}/api (no Blazor circuit): the component states,
// the summary line and the current incidents are redrawn when the page's version changes. Without JavaScript the
// server-rendered page is complete; it is just not live.
(function () {
  "use strict";
  var body = document.body;
  var api = body.getAttribute("data-api");
  var version = body.getAttribute("data-version");
  var every = Math.max(5, parseInt(body.getAttribute("data-refresh"), 10) || 15) * 1000;
  var states = ["operational", "degraded", "partial_outage", "major_outage", "maintenance"];

  function setState(element, state, text) {
    states.forEach(function (s) { element.classList.remove("s-" + s); });
    element.classList.add("s-" + state);
    element.setAttribute("data-state", state);
    element.textContent = text;
  }

  function time(iso) {
    var t = document.createElement("time");
    t.setAttribute("datetime", iso);
    t.textContent = iso.replace("T", " ").substring(0, 16) + " UTC";
    return t;
  }

  function incident(i) {
    var article = document.createElement("article");
    article.className = "incident";
    article.id = "incident-" + i.id;
    article.setAttribute("aria-labelledby", article.id + "-title");
    var h = document.createElement("h3");
    h.id = article.id + "-title";
    h.textContent = i.title;
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = i.status.charAt(0).toUpperCase() + i.status.slice(1) + " · impact: " + i.impact +
      (i.components.length ? " · affects: " + i.components.join(", ") : "") + " · opened ";
    meta.appendChild(time(i.createdAt));
    var list = document.createElement("ol");
    list.className = "updates";
    i.updates.forEach(function (u) {
      var li = document.createElement("li");
      var p = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = u.status.charAt(0).toUpperCase() + u.status.slice(1);
      p.appendChild(strong);
      p.appendChild(document.createTextNode(" "));
      p.appendChild(time(u.at));
      var message = document.createElement("div");
      message.className = "message";
      message.innerHTML = u.html; // sanitised on the server (Markdig without raw HTML, then HtmlSanitizer)
      li.appendChild(p);
      li.appendChild(message);
      list.appendChild(li);
    });
    article.appendChild(h);
    article.appendChild(meta);
    article.appendChild(list);
    return article;
  }

  function apply(data) {
    setState(document.getElementById("overall"), data.state, data.summary);
    data.components.forEach(function (c) {
      var item = document.querySelector('[data-component="' + c.slug + '"] .state');
      if (item) setState(item, c.state, c.label);
    });
    var open = document.getElementById("open-incidents");
    open.textContent = "";
    if (!data.incidents.length) {
      var none = document.createElement("p");
      none.textContent = "No incidents right now.";
      open.appendChild(none);
    }
    data.incidents.forEach(function (i) { open.appendChild(incident(i)); });
  }

  function refresh() {
    fetch(api, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.version !== version) {
          version = data.version;
          body.setAttribute("data-version", version);
          apply(data);
        }
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ })
      .then(function () { setTimeout(refresh, every); });
  }

  setTimeout(refresh, every);
})();
