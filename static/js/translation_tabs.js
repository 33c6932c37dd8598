/*
 * modeltranslation labels the admin's language tabs with codes ("zh-hans", "en"): this
 * names them as settings.LANGUAGES does ("中文", "English"), from the page's
 * #language-names, and marks the tab of a field that lacks its text. Loaded after
 * modeltranslation's own script (change_form.html).
 */
(function ($) {
  "use strict";

  var data = document.getElementById("language-names");
  if (!data) {
    return;
  }
  var names = {};
  JSON.parse(data.textContent).forEach(function (language) {
    names[language[0]] = language[1];
  });

  function rename(index, element) {
    var code = element.textContent.trim();
    if (Object.prototype.hasOwnProperty.call(names, code)) {
      element.textContent = names[code];
    }
  }

  // A tab whose field lacks its text (translation_status.py marks the field) is marked too.
  function markMissing(index, element) {
    var panel = document.getElementById((element.getAttribute("href") || "").slice(1));
    if (panel && panel.querySelector(".translation-missing")) {
      element.classList.add("translation-missing-tab");
    }
  }

  // Each set of tabs announces itself once built, those of an inline added later too.
  $(document).on("tabscreate", function (event) {
    $(event.target).find(".ui-tabs-nav a").each(rename).each(markMissing);
  });
  // The switch over all the tabs, which modeltranslation fills in once the page is ready.
  $(function () {
    $("#modeltranslation-main-switch option").each(rename);
  });
})(django.jQuery);
