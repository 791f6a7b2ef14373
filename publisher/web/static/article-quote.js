/* Consultations: select a passage of an article to quote it in a comment. The page works
   without this script (each article has its own comment link and the form a quote field);
   this only fills the form from a selection. External file: the CSP forbids inline script. */
(function () {
  "use strict";
  var select = document.getElementById("c-article");
  var quote = document.getElementById("c-quote");
  var text = document.getElementById("c-text");
  if (!select || !quote || !text) {
    return;
  }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary quote-button";
  button.hidden = true;
  var chosen = null;

  function articleOf(selection) {
    if (!selection || !selection.rangeCount) {
      return null;
    }
    var node = selection.getRangeAt(0).commonAncestorContainer;
    var element = node.nodeType === 1 ? node : node.parentElement;
    if (!element || element.closest("details") || element.closest(".quote-button")) {
      return null;
    }
    var article = element.closest("[data-current] .draft-article");  // the latest version only
    if (!article || !select.querySelector('option[value="' + article.dataset.article + '"]')) {
      return null;
    }
    return article;
  }

  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    var passage = selection ? selection.toString().replace(/\s+/g, " ").trim() : "";
    var article = passage ? articleOf(selection) : null;
    if (!article) {
      button.hidden = true;
      return;
    }
    chosen = { key: article.dataset.article, text: passage.slice(0, quote.maxLength) };
    button.textContent = "就选中的文字对" + article.dataset.label + "提意见";
    article.insertBefore(button, article.querySelector("details"));
    button.hidden = false;
  });
  // keep the selection when the button is pressed (a press would otherwise clear it first)
  button.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });
  button.addEventListener("click", function () {
    if (!chosen) {
      return;
    }
    select.value = chosen.key;
    quote.value = chosen.text;
    button.hidden = true;
    document.getElementById("h-form").scrollIntoView();
    text.focus();
  });
})();
