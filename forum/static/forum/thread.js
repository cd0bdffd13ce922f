// Progressive enhancement: "Reply" opens a reply form inline under the comment.
// Without JavaScript the link leads to the reply page, which does the same job.
(function () {
  "use strict";

  function commentOf(node) {
    var item = node.closest("li[id]");
    return item && /^c\d+$/.test(item.id) ? item : null;
  }

  function inlineReplyForm(link) {
    var comment = commentOf(link);
    var template = document.querySelector("#comment-form form");
    if (!comment || !template) return null;
    var anchor = comment.id;
    var form = template.cloneNode(true);
    form.action = link.href;
    form.classList.add("inline-reply-form");
    form.querySelectorAll(".invalid-feedback, .alert").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[id]").forEach(function (node) { node.id = node.id + "-" + anchor; });
    form.querySelectorAll("label[for]").forEach(function (node) { node.htmlFor = node.htmlFor + "-" + anchor; });
    form.querySelectorAll("textarea").forEach(function (node) { node.value = ""; node.classList.remove("is-invalid"); });
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-link cancel-reply";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () { form.remove(); link.focus(); });
    form.appendChild(cancel);
    comment.querySelector(":scope > article").after(form);
    return form;
  }

  // Reply, "Ask to remove" and Report under each comment of a thread page, built here from the
  // comment's id and its article's class (none: published; "ts": gone, "ts hd": hidden; "held").
  // Without JavaScript the time links to the comment's own page, which lists every action.
  function actionLink(className, href, text, nofollow) {
    var link = document.createElement("a");
    link.className = className;
    link.href = href;
    link.textContent = text;
    if (nofollow) link.rel = "nofollow";
    return link;
  }

  function addReaderActions(root) {
    var thread = document.getElementById("comments");
    if (!thread || !thread.dataset.reportUrl) return;
    root.querySelectorAll("li[id^=c] > article").forEach(function (article) {
      var gone = article.classList.contains("ts") && !article.classList.contains("hd");
      if (gone || article.dataset.actions) return;
      article.dataset.actions = "1";
      var pk = article.parentNode.id.slice(1);
      var published = !article.className;
      var footer = article.querySelector(":scope > footer");
      if (!footer) {
        footer = document.createElement("footer");
        var controls = article.querySelector(":scope > .mod");
        article.insertBefore(footer, controls);
      }
      var mine = footer.querySelector(".remove-link");
      if (published) footer.prepend(actionLink("reply-link", "comments/" + pk + "/reply/", "Reply"));
      // Only words readers can read can be asked off the site or reported: not hidden or held ones.
      if (mine || !published) return;
      footer.appendChild(actionLink("ask-to-remove-link", thread.dataset.askUrl.replace("/0/", "/" + pk + "/"), "Ask to remove", true));
      footer.appendChild(actionLink("report-link", thread.dataset.reportUrl.replace("/0/", "/" + pk + "/"), "Report", true));
    });
  }
  addReaderActions(document);

  // An old link to a comment on page 1 of a thread that now has several pages: open the comment's own page.
  var wanted = /^#c(\d+)$/.exec(window.location.hash);
  var threadPage = document.querySelector("#comments[data-report-url]");
  if (wanted && threadPage && !document.getElementById("c" + wanted[1])) {
    window.location.replace("comments/" + wanted[1] + "/");
  }

  // Typing a name means posting under it: select that choice for the reader.
  document.addEventListener("input", function (event) {
    if (!event.target.matches("input[name=author_name]")) return;
    var form = event.target.form;
    var choice = form && form.querySelector("input[name=identity][value=name]");
    if (choice && event.target.value.trim()) choice.checked = true;
  });

  // Select the whole private removal link at a click, ready to copy; a button copies it in one go.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches(".removal-link")) event.target.select();
  });
  document.querySelectorAll(".removal-link").forEach(function (field) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-secondary copy-removal-link";
    button.textContent = "Copy the link";
    button.addEventListener("click", function () {
      var copied = function () { button.textContent = "Copied"; };
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(copied, function () { if (document.execCommand("copy")) copied(); });
      } else if (document.execCommand("copy")) {
        copied();
      }
    });
    field.after(button);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.reply-link");
    if (!link) return;
    var comment = commentOf(link);
    if (!comment) return;
    event.preventDefault();
    var open = comment.querySelector(":scope > .inline-reply-form");
    if (open) {
      open.querySelector("textarea").focus();
      return;
    }
    var form = inlineReplyForm(link);
    if (form) form.querySelector("textarea").focus();
  });

  // "Load more comments" appends the next page of conversations in place.
  // Without JavaScript the link opens that page, which works just as well.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.load-more");
    if (!link) return;
    var list = document.querySelector("#comments > .comment-list");
    if (!list || !window.fetch) return;
    event.preventDefault();
    link.textContent = "Loading…";
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (text) {
        var page = new DOMParser().parseFromString(text, "text/html");
        var more = page.querySelector("#comments > .comment-list");
        if (more) Array.from(more.children).forEach(function (item) { list.appendChild(item); addReaderActions(item); });
        var next = page.querySelector("a.load-more");
        if (next) {
          link.href = next.href;
          link.textContent = next.textContent;
        } else {
          link.parentNode.remove();
        }
      })
      .catch(function () { window.location.href = link.href; });
  });
})();
