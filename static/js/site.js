/*
 * The language switcher lands on the same place: its links carry the #fragment of the
 * section being read, so /#research and /en/#research are the same spot. The section
 * ids are the same in both languages. Without this script the links still lead to the
 * same page in the other language, at its top.
 */
(function () {
  "use strict";

  var links = document.querySelectorAll("a[data-lang-switch]");
  var targets = document.querySelectorAll("main section[id], main [data-anchor][id]");
  if (!links.length || !targets.length || !window.URL) {
    return;
  }
  var header = document.querySelector(".site-header");
  var current = null;

  function pointAt(id) {
    if (id === current) {
      return;
    }
    current = id;
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.hash = id && id !== "top" ? id : "";
      links[i].setAttribute("href", url.pathname + url.search + url.hash);
    }
  }

  // Where reading happens: just below the sticky header, where a link to #id puts
  // the top of that section (see scroll-margin-top in site.css).
  function readingLine() {
    return (header ? header.getBoundingClientRect().bottom : 0) + 16;
  }

  // The section being read: the last one (in document order, so a branch wins over
  // the direction that holds it) whose top has scrolled up to the reading line, or at
  // the foot of the page the last one in view.
  function update() {
    var line = readingLine();
    var root = document.documentElement;
    if (window.innerHeight + window.pageYOffset >= root.scrollHeight - 2) {
      // At the bottom the last sections may never reach the line: the last one in view.
      line = window.innerHeight - 1;
    }
    var id = "";
    for (var i = 0; i < targets.length; i++) {
      if (targets[i].getBoundingClientRect().top <= line) {
        id = targets[i].id;
      }
    }
    pointAt(id);
  }

  // At most one update per frame while the page scrolls; reading a dozen positions is
  // cheap, and unlike an IntersectionObserver band it stays exact when the phone's
  // address bar changes the viewport's height.
  var pending = false;
  function onScroll() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        update();
      });
    }
  }

  window.addEventListener("scroll", onScroll, { passive: true });
  window.addEventListener("resize", onScroll, { passive: true });
  window.addEventListener("hashchange", update);
  update();
})();
